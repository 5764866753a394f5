/**
 * The DRBD kernel module as kmod shows it, on the Docker host and in the nodes alike (the
 * containers share the host's kernel): `lsmod` and `modinfo drbd` (drbd 9.2 built by DKMS on
 * the host's Ubuntu kernel). The module's parameters are drbd_main.c's module_param lines.
 */
import { KERNEL_RELEASE } from "../shell/proc-files";
import type { CommandSpec } from "../world/types";
import type { DrbdKernel } from "./kernel";
import { DRBD_VERSION } from "./kernel";

/** lsmod's view: name, size, then the holders (kernel/module.c print_unload_info). */
function modules(k: DrbdKernel): [string, number, number, string[]][] {
  // every connection holds a reference on its transport (drbd_get_transport_class: try_module_get)
  const connections = k.allResources().reduce((n, r) => n + (k.alive(r) ? r.connections.size : 0), 0);
  return [
    ["drbd_transport_tcp", 36864, connections, []],
    ["drbd", 1003520, 1, ["drbd_transport_tcp"]],
    ["lru_cache", 16384, 1, ["drbd"]],
    ["xt_conntrack", 12288, 1, []],
    ["nf_conntrack", 196608, 1, ["xt_conntrack"]],
    ["nf_defrag_ipv6", 24576, 1, ["nf_conntrack"]],
    ["nf_defrag_ipv4", 12288, 1, ["nf_conntrack"]],
    ["libcrc32c", 12288, 2, ["drbd", "nf_conntrack"]],
    ["br_netfilter", 32768, 0, []],
    ["bridge", 421888, 1, ["br_netfilter"]],
    ["stp", 12288, 1, ["bridge"]],
    ["llc", 16384, 2, ["bridge", "stp"]],
    ["veth", 40960, 0, []],
    ["overlay", 212992, 3, []],
    ["ip_tables", 32768, 0, []],
    ["x_tables", 65536, 2, ["xt_conntrack", "ip_tables"]],
  ];
}

function lsmod(k: DrbdKernel): string {
  const rows = modules(k).map(
    ([name, size, used, by]) =>
      `${name.padEnd(19)} ${String(size).padStart(8)}  ${used}${by.length ? ` ${by.join(",")}` : ""}`,
  );
  return `Module                  Size  Used by\n${rows.join("\n")}\n`;
}

/** `modinfo drbd`: the .modinfo fields as modinfo prints them (`%-16s%s`). */
function modinfoDrbd(): string {
  const f: [string, string][] = [
    ["filename", `/lib/modules/${KERNEL_RELEASE}/updates/dkms/drbd.ko.zst`],
    ["alias", "block-major-147-*"],
    ["license", "GPL"],
    ["version", DRBD_VERSION],
    ["description", `drbd - Distributed Replicated Block Device v${DRBD_VERSION}`],
    ["author", "Philipp Reisner <phil@linbit.com>, Lars Ellenberg <lars@linbit.com>"],
    ["srcversion", "6B2C43D1A1E5E0B2F7A8C19"],
    ["depends", "lru_cache,libcrc32c"],
    ["retpoline", "Y"],
    ["name", "drbd"],
    ["vermagic", `${KERNEL_RELEASE} SMP preempt mod_unload modversions `],
    ["parm", "minor_count:Approximate number of drbd devices (1-255) (uint)"],
    ["parm", "disable_sendpage:bool"],
    ["parm", "allow_oos:DONT USE! (bool)"],
    ["parm", "usermode_helper:string"],
    ["parm", "protocol_version_min:drbd_protocol_version"],
  ];
  return f.map(([key, v]) => `${`${key}:`.padEnd(16)}${v}\n`).join("");
}

export function kmodCommands(k: DrbdKernel): CommandSpec[] {
  return [
    {
      name: "lsmod",
      where: "both",
      run: async () => ({ stdout: lsmod(k), stderr: "", exitCode: 0 }),
    },
    {
      name: "modinfo",
      where: "both",
      run: async (ctx) => {
        const names = ctx.args.filter((a) => !a.startsWith("-"));
        if (names.length === 0)
          return { stdout: "", stderr: "modinfo: ERROR: missing module or filename.\n", exitCode: 1 };
        let stdout = "";
        let stderr = "";
        for (const n of names) {
          if (n === "drbd") stdout += modinfoDrbd();
          else stderr += `modinfo: ERROR: Module ${n} not found.\n`;
        }
        return { stdout, stderr, exitCode: stderr ? 1 : 0 };
      },
    },
  ];
}
