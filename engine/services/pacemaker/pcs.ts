/**
 * `pcs` (0.10, the version of the node image), `crm_mon` and `crm status`: the subset of the
 * cluster shell that exercise 9.3 needs. Wrong input gets pcs's own errors; an unknown
 * subcommand prints pcs's usage and exits 1.
 */
import type { CommandContext, CommandSpec, ExecResult } from "../../world/types";
import { cibadmin } from "./cibadmin";
import type { PacemakerCluster } from "./cluster";
import { type Cib, newCib, PACEMAKER_VERSION } from "./model";
import { constraintCmd, resourceCmd } from "./pcs-resource";
import { PCS_USAGE, subUsage } from "./pcs-usage";
import { crmMon, pcsStatus, resourceLines } from "./status";

export const ok = (stdout = ""): ExecResult => ({ stdout, stderr: "", exitCode: 0 });
export const err = (text: string, code = 1, stdout = ""): ExecResult => ({
  stdout,
  stderr: text.endsWith("\n") ? text : `${text}\n`,
  exitCode: code,
});
export const usage = (sub?: string): ExecResult => ({
  stdout: "",
  stderr: sub ? subUsage(sub) : PCS_USAGE,
  exitCode: 1,
});

export const NOT_RUNNING =
  "Error: error running crm_mon, is pacemaker running?\n  Could not connect to the CIB: Transport endpoint is not connected\n  crm_mon: Error: cluster is not available on this node";

/** The CIB, if this node's pacemaker is up (pcs talks to the local CIB). */
export function localCib(c: PacemakerCluster, ctx: CommandContext): Cib | ExecResult {
  const self = ctx.node?.name ?? "";
  if (!c.cib?.nodes.includes(self) || !c.up(self)) return err("Error: unable to get cib");
  return c.cib;
}

export function touched(c: PacemakerCluster, ctx: CommandContext, via = "cibadmin"): void {
  if (!c.cib) return;
  c.cib.lastChange = { us: c.world.clock.now, node: ctx.node?.name ?? "", via };
  c.cib.epoch++;
  c.queueTransition();
}

const PROPERTIES: Record<string, (v: string) => boolean> = {
  "stonith-enabled": (v) => /^(true|false|yes|no|on|off|1|0)$/i.test(v),
  "no-quorum-policy": (v) => ["stop", "freeze", "ignore", "demote", "suicide"].includes(v),
  "symmetric-cluster": (v) => /^(true|false)$/i.test(v),
  "maintenance-mode": (v) => /^(true|false)$/i.test(v),
  "start-failure-is-fatal": (v) => /^(true|false)$/i.test(v),
  "cluster-recheck-interval": (v) => /^\d+(ms|s|min|m|h)?$/.test(v),
  "stonith-timeout": (v) => /^\d+(ms|s|min|m|h)?$/.test(v),
};

function normBool(v: string): string {
  if (/^(true|yes|on|1)$/i.test(v)) return "true";
  if (/^(false|no|off|0)$/i.test(v)) return "false";
  return v;
}

/** Which nodes a `--all | <node>...` argument list names. */
function targets(c: PacemakerCluster, ctx: CommandContext, args: string[]): string[] | ExecResult {
  const cib = c.cib as Cib;
  if (args.includes("--all")) return [...cib.nodes];
  const names = args.filter((a) => !a.startsWith("-"));
  if (names.length === 0) return [ctx.node?.name ?? ""];
  for (const n of names)
    if (!cib.nodes.includes(n)) return err(`Error: Node '${n}' does not appear to exist in configuration`);
  return names;
}

function corosyncConf(name: string, nodes: string[]): string {
  const list = nodes
    .map((n, i) => `    node {\n        ring0_addr: ${n}\n        name: ${n}\n        nodeid: ${i + 1}\n    }\n`)
    .join("\n");
  const quorum =
    nodes.length === 2 ? "    provider: corosync_votequorum\n    two_node: 1\n" : "    provider: corosync_votequorum\n";
  return `totem {\n    version: 2\n    cluster_name: ${name}\n    transport: knet\n    crypto_cipher: aes256\n    crypto_hash: sha256\n}\n\nnodelist {\n${list}}\n\nquorum {\n${quorum}}\n\nlogging {\n    to_logfile: yes\n    logfile: /var/log/corosync/corosync.log\n    to_syslog: yes\n    timestamp: on\n}\n`;
}

async function hostCmd(c: PacemakerCluster, args: string[]): Promise<ExecResult> {
  const [verb, ...rest] = args;
  if (verb !== "auth") return usage("host");
  const hosts: string[] = [];
  let user: string | undefined;
  let pass: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === "-u") user = rest[++i];
    else if (a === "-p") pass = rest[++i];
    else if (!a.startsWith("-") && !a.startsWith("addr=")) hosts.push(a);
  }
  if (hosts.length === 0) return usage("host");
  if (user === undefined || pass === undefined)
    return err("Error: Username and password must be specified (-u, -p) in a non-interactive session");
  const out: string[] = [];
  for (const h of hosts) {
    const node = c.world.node(h);
    if (node?.state !== "running") return err(`Error: Unable to communicate with ${h}`);
    if (user !== "hacluster" || pass === "") return err(`Error: ${h}: Username and/or password is incorrect`);
    c.authed.add(h);
    out.push(`${h}: Authorized`);
  }
  return ok(`${out.join("\n")}\n`);
}

async function clusterCmd(c: PacemakerCluster, ctx: CommandContext, args: string[]): Promise<ExecResult> {
  const [verb, ...rest] = args;
  const self = ctx.node?.name ?? "";
  if (verb === "setup") {
    const [name, ...more] = rest.filter((a) => !a.startsWith("--"));
    const nodes = more.filter((a) => !a.includes("="));
    if (!name || nodes.length === 0) return usage("cluster");
    for (const n of nodes)
      if (!c.world.node(n)) return err(`Error: Unable to resolve addresses: '${n}', use --force to override`);
    for (const n of nodes)
      if (!c.authed.has(n))
        return err(
          `Error: Host '${n}' is not known to pcs, try to authenticate the host using 'pcs host auth ${n}' command`,
        );
    const running = nodes.filter((n) => c.up(n));
    if (running.length)
      return err(
        `Error: ${running[0]}: Running cluster services: 'corosync', 'pacemaker', the host seems to be in a cluster already, use --force to override`,
      );
    c.cib = newCib(name, nodes, c.world.clock.now, self);
    c.failures = [];
    const conf = corosyncConf(name, nodes);
    for (const n of nodes) {
      const node = c.world.node(n);
      if (!node) continue;
      await node.fs.mkdir("/etc/corosync", { recursive: true });
      await node.fs.writeFile("/etc/corosync/corosync.conf", conf);
    }
    const q = nodes.map((n) => `'${n}'`).join(", ");
    const lines = [
      ...nodes.map((n) => `No addresses specified for host '${n}', using '${n}'`),
      `Destroying cluster on hosts: ${q}...`,
      ...nodes.map((n) => `${n}: Successfully destroyed cluster`),
      `Requesting remove 'pcsd settings' from ${q}`,
      ...nodes.map((n) => `${n}: successful removal of the file 'pcsd settings'`),
      `Sending 'corosync authkey', 'pacemaker authkey' to ${q}`,
      ...nodes.flatMap((n) => [
        `${n}: successful distribution of the file 'corosync authkey'`,
        `${n}: successful distribution of the file 'pacemaker authkey'`,
      ]),
      `Sending 'corosync.conf' to ${q}`,
      ...nodes.map((n) => `${n}: successful distribution of the file 'corosync.conf'`),
      "Cluster has been successfully set up.",
    ];
    let out = `${lines.join("\n")}\n`;
    if (args.includes("--enable")) for (const n of nodes) c.daemon(n).enabled = true;
    if (args.includes("--start")) {
      out += `${nodes.map((n) => `${n}: Starting Cluster...`).join("\n")}\n`;
      c.startNodes(nodes);
    }
    return ok(out);
  }
  if (!c.cib?.nodes.includes(self)) {
    if (["start", "stop", "enable", "disable", "status"].includes(verb ?? ""))
      return err("Error: cluster is not currently configured on this node");
    return usage("cluster");
  }
  const t = targets(c, ctx, rest);
  if (!Array.isArray(t) && verb !== "status") return t;
  const nodes = Array.isArray(t) ? t : [];
  const many = rest.includes("--all") || rest.some((a) => !a.startsWith("-"));
  const prefix = (n: string) => (many ? `${n}: ` : "");
  switch (verb) {
    case "start": {
      const reachable = nodes.filter((n) => c.world.node(n)?.state === "running");
      const down = nodes.filter((n) => !reachable.includes(n));
      c.startNodes(reachable);
      const out = reachable.map((n) => `${prefix(n)}Starting Cluster...`).join("\n");
      if (down.length)
        return err(
          down
            .map(
              (n) =>
                `Error: ${n}: Unable to connect to ${n}, check if pcsd is running there or try setting higher timeout with --request-timeout option`,
            )
            .join("\n"),
          1,
          out ? `${out}\n` : "",
        );
      return ok(`${out}\n`);
    }
    case "stop": {
      const live = nodes.filter((n) => c.world.node(n)?.state === "running");
      await c.stopNodes(live);
      return ok(
        `${live.map((n) => `${prefix(n)}Stopping Cluster (pacemaker)...`).join("\n")}\n${live.map((n) => `${prefix(n)}Stopping Cluster (corosync)...`).join("\n")}\n`,
      );
    }
    case "enable":
    case "disable":
      for (const n of nodes) c.daemon(n).enabled = verb === "enable";
      return ok(
        many ? `${nodes.map((n) => `${n}: Cluster ${verb === "enable" ? "Enabled" : "Disabled"}`).join("\n")}\n` : "",
      );
    case "status": {
      if (!c.up(self)) return err(NOT_RUNNING);
      const v = c.viewFrom(self);
      const mon = crmMon(c.cib, v, false, true)
        .split("\n\nActive Resources:")[0]
        ?.split("\n")
        .map((l) => (l ? ` ${l}` : l))
        .join("\n");
      const pcsd = c.cib.nodes
        .map((n) => `  ${n}: ${c.world.node(n)?.state === "running" ? "Online" : "Offline"}`)
        .join("\n");
      return ok(`Cluster Status:\n${mon}\n\nPCSD Status:\n${pcsd}\n`);
    }
    default:
      return usage("cluster");
  }
}

function propertyCmd(c: PacemakerCluster, ctx: CommandContext, args: string[]): ExecResult {
  const cib = localCib(c, ctx);
  if ("exitCode" in cib) return cib;
  const [verb = "config", ...rest] = args;
  if (verb === "set" || verb === "unset") {
    const force = rest.includes("--force");
    const items = rest.filter((a) => a !== "--force");
    if (items.length === 0) return usage("property");
    for (const it of items) {
      const [k, v] = verb === "set" ? [it.slice(0, it.indexOf("=")), it.slice(it.indexOf("=") + 1)] : [it, ""];
      if (verb === "set" && !it.includes("=")) return err(`Error: missing value of '${it}' option`);
      const check = PROPERTIES[k];
      if (!check && !force) return err(`Error: unknown cluster property: '${k}', (use --force to override)`);
      if (verb === "set" && check && v !== "" && !check(v) && !force)
        return err(`Error: invalid value of property: '${k}=${v}', (use --force to override)`);
      if (verb === "unset" || v === "") delete cib.properties[k];
      else cib.properties[k] = k === "stonith-enabled" ? normBool(v) : v;
    }
    touched(c, ctx, "crm_attribute");
    return ok();
  }
  if (!["config", "list", "show"].includes(verb)) return usage("property");
  const props: Record<string, string> = {
    "cluster-infrastructure": "corosync",
    "cluster-name": cib.clusterName,
    "dc-version": PACEMAKER_VERSION,
    "have-watchdog": "false",
    ...cib.properties,
  };
  const lines = Object.keys(props)
    .sort()
    .map((k) => ` ${k}: ${props[k]}`);
  return ok(`Cluster Properties:\n${lines.join("\n")}\n`);
}

function nodeCmd(c: PacemakerCluster, ctx: CommandContext, args: string[]): ExecResult {
  const cib = localCib(c, ctx);
  if ("exitCode" in cib) return cib;
  const [verb, ...rest] = args;
  if (verb !== "standby" && verb !== "unstandby") return usage("node");
  const t = targets(c, ctx, rest);
  if (!Array.isArray(t)) return t;
  for (const n of t) {
    cib.standby = cib.standby.filter((x) => x !== n);
    if (verb === "standby") cib.standby.push(n);
  }
  touched(c, ctx, "crm_attribute");
  return ok();
}

async function pcs(c: PacemakerCluster, ctx: CommandContext): Promise<ExecResult> {
  const args = ctx.args;
  const [sub, ...rest] = args;
  const self = ctx.node?.name ?? "";
  if (sub === undefined || sub === "-h" || sub === "--help")
    return { stdout: PCS_USAGE, stderr: "", exitCode: sub ? 0 : 1 };
  if (sub === "--version") return ok("0.10.11\n");
  if (ctx.session && ctx.session.user !== "root") return err("Error: Unable to run pcs as a non-root user");
  switch (sub) {
    case "host":
      return hostCmd(c, rest);
    case "cluster":
      return clusterCmd(c, ctx, rest);
    case "property":
      return propertyCmd(c, ctx, rest);
    case "node":
      return nodeCmd(c, ctx, rest);
    case "resource":
      return resourceCmd(c, ctx, rest);
    case "constraint":
      return constraintCmd(c, ctx, rest);
    case "status": {
      if (!c.cib?.nodes.includes(self) || !c.up(self)) return err(NOT_RUNNING);
      const v = c.viewFrom(self);
      if (rest[0] === undefined || rest[0] === "--full") return ok(pcsStatus(c.cib, v));
      if (rest[0] === "resources") {
        const lines = resourceLines(c.cib, v, true);
        return ok(lines.length ? `${lines.join("\n")}\n` : "NO resources configured\n");
      }
      if (rest[0] === "cluster") return clusterCmd(c, ctx, ["status"]);
      return usage("status");
    }
    default:
      return usage();
  }
}

function crmMonCmd(c: PacemakerCluster, ctx: CommandContext, full: boolean): ExecResult {
  const self = ctx.node?.name ?? "";
  if (!c.cib?.nodes.includes(self) || !c.up(self))
    return err("crm_mon: Error: cluster is not available on this node", 102);
  return ok(crmMon(c.cib, c.viewFrom(self), full));
}

export function pcsCommands(c: PacemakerCluster): CommandSpec[] {
  return [
    { name: "pcs", where: "node", run: (ctx) => pcs(c, ctx) },
    { name: "cibadmin", where: "node", run: async (ctx) => cibadmin(c, ctx) },
    {
      name: "crm_mon",
      where: "node",
      run: async (ctx) => {
        const a = ctx.args;
        const oneShot = a.some((x) => x === "-1" || x === "--one-shot" || /^-1r|^-r1/.test(x));
        if (!oneShot) return err("crm_mon: interactive mode is not available in this terminal, use crm_mon -1", 1);
        return crmMonCmd(
          c,
          ctx,
          a.some((x) => x === "-r" || x === "--inactive" || /^-1r|^-r1/.test(x)),
        );
      },
    },
    {
      name: "crm",
      where: "node",
      run: async (ctx) => {
        if (ctx.args[0] === "status") return crmMonCmd(c, ctx, true);
        return err(`ERROR: ${ctx.args[0] ?? ""}: No such command`);
      },
    },
  ];
}
