/** pcs 0.10's usage texts (what an unknown subcommand prints), shortened to the commands' list. */

export const PCS_USAGE = `
Usage: pcs [-f file] [-h] [commands]...
Control and configure pacemaker and corosync.

Options:
    -h, --help         Display usage and exit.
    -f file            Perform actions on file instead of active CIB.
    --debug            Print all network traffic and external commands run.
    --version          Print pcs version information. List pcs capabilities if
                       --full is specified.
    --request-timeout  Timeout for each outgoing request to another node in
                       seconds. Default is 60s.

Commands:
    cluster     Configure cluster options and nodes.
    resource    Manage cluster resources.
    stonith     Manage fence devices.
    constraint  Manage resource constraints.
    property    Manage pacemaker properties.
    acl         Manage pacemaker access control lists.
    qdevice     Manage quorum device provider on the local host.
    quorum      Manage cluster quorum settings.
    booth       Manage booth (cluster ticket manager).
    status      View cluster status.
    config      View and manage cluster configuration.
    pcsd        Manage pcs daemon.
    host        Manage hosts known to pcs/pcsd.
    node        Manage cluster nodes.
    alert       Manage pacemaker alerts.
    client      Manage pcsd client configuration.
    dr          Manage disaster recovery configuration.
    tag         Manage pacemaker tags.
`;

const SUB: Record<string, { what: string; cmds: string[] }> = {
  cluster: {
    what: "Configure cluster for use with pacemaker.",
    cmds: [
      "setup <cluster name> (<node name> [addr=<node address>]...)...",
      "start [--all | <node>...] [--wait[=<n>]]",
      "stop [--all | <node>...]",
      "enable [--all | <node>...]",
      "disable [--all | <node>...]",
      "status",
    ],
  },
  resource: {
    what: "Manage pacemaker resources.",
    cmds: [
      "[status [<resource id | tag id>] [node=<node>] [--hide-inactive]]",
      "create <resource id> [<standard>:[<provider>:]]<type> [resource options] [op <operation action> <operation options> [<operation action> <operation options>]...] [meta <meta options>...] [clone [<clone id>] [<clone options>] | promotable [<clone id>] [<promotable options>]] [--disabled]",
      "delete <resource id|group id|bundle id|clone id>",
      "promotable <resource id | group id> [<promotable id>] [clone options]",
      "move <resource id> [destination node] [--promoted] [lifetime=<lifetime>]",
      "clear <resource id> [node] [--promoted] [--expired]",
      "cleanup [<resource id>] [node=<node>]",
    ],
  },
  constraint: {
    what: "Manage resource constraints",
    cmds: [
      "[config | list | show [--full] [--all]]",
      "location <resource> prefers <node>[=<score>] [<node>[=<score>]]...",
      "location <resource> avoids <node>[=<score>] [<node>[=<score>]]...",
      "order [config | list | show [--full]]",
      "order [action] <resource id> then [action] <resource id> [options]",
      "colocation [config | list | show [--full]]",
      "colocation add [<role>] <source resource id> with [<role>] <target resource id> [score] [options] [id=constraint-id]",
    ],
  },
  property: {
    what: "Configure pacemaker properties.",
    cmds: [
      "[config | list | show [<property> | --all | --defaults]] | [--all | --defaults]",
      "set <property>=[<value>] ... [--force]",
      "unset <property> ...",
    ],
  },
  node: {
    what: "Manage cluster nodes",
    cmds: ["standby [--all | <node>...] [--wait[=n]]", "unstandby [--all | <node>...] [--wait[=n]]"],
  },
  host: {
    what: "Manage hosts known to pcs/pcsd",
    cmds: [
      "auth (<host name> [addr=<address>[:<port>]])... [-u <username>] [-p <password>]",
      "deauth [<host name>]...",
    ],
  },
  status: {
    what: "View current cluster and resource status",
    cmds: [
      "[status] [--full] [--hide-inactive]",
      "resources [<resource id | tag id>] [node=<node>] [--hide-inactive]",
      "cluster",
      "nodes [corosync | both | config]",
    ],
  },
};

export function subUsage(sub: string): string {
  const s = SUB[sub];
  if (!s) return PCS_USAGE;
  return `\nUsage: pcs ${sub} [commands]...\n${s.what}\n\nCommands:\n${s.cmds.map((c) => `    ${c}`).join("\n\n")}\n`;
}
