/**
 * Runs the real drbdadm (Debian's drbd-utils) on the corpus, as the lab node each case names:
 * one throw-away mount + UTS + network namespace for the whole corpus (tmpfs on /etc/drbd.d, a
 * bind-mounted /etc/drbd.conf, the node's address on `lo`), so nothing outside is touched.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { OracleCase } from "./corpus";

export interface Run {
  stdout: string;
  stderr: string;
  exit: number;
}

export const LAB_IP: Record<OracleCase["host"], string> = {
  node1: "172.28.0.11",
  node2: "172.28.0.12",
  node3: "172.28.0.13",
};

/** Path of drbdadm, or null when drbd-utils is not installed. */
export function findDrbdadm(): string | null {
  for (const p of ["/usr/sbin/drbdadm", "/sbin/drbdadm"]) {
    const r = spawnSync(p, ["--version"], { encoding: "utf8" });
    if (r.status === 0 && /DRBDADM_VERSION=/.test(r.stdout)) return p;
  }
  return null;
}

export function drbdadmVersion(bin: string): string {
  const out = execFileSync(bin, ["--version"], { encoding: "utf8" });
  return /DRBDADM_VERSION=(\S+)/.exec(out)?.[1] ?? "?";
}

/** `modinfo drbd` noise drbdadm prints where no DRBD module is installed. */
const NOISE = /^(modinfo: ERROR: Module drbd not found\.|sh: 1: modinfo: not found)\n/gm;

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** results[i][j]: case i, command j (commands[i]). */
export function runReal(bin: string, cases: OracleCase[], commands: string[][]): Run[][] {
  const dir = mkdtempSync(join(tmpdir(), "drbd-oracle-"));
  try {
    const conf = join(dir, "drbd.conf");
    writeFileSync(conf, "");
    // drbdadm runs drbdsetup/drbdmeta from $PATH and prints them as found there: a PATH holding
    // only drbd-utils gives the bare names, and skips the `modinfo drbd` probe (noise filtered)
    const bindir = join(dir, "bin");
    mkdirSync(bindir);
    for (const tool of ["drbdadm", "drbdsetup", "drbdmeta"]) symlinkSync(join(dirname(bin), tool), join(bindir, tool));
    let script = `set +e
mount -t tmpfs none /etc/drbd.d || exit 90
mount --bind ${q(conf)} /etc/drbd.conf || exit 91
ip link set lo up
`;
    cases.forEach((c, i) => {
      const cdir = join(dir, String(i));
      for (const [path, text] of Object.entries(c.files)) {
        if (path === "/etc/drbd.conf") continue;
        const p = join(cdir, path.replace(/^\/etc\//, ""));
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, text);
      }
      mkdirSync(join(cdir, "out"), { recursive: true });
      script += `hostname ${c.host}; ip addr flush dev lo; ip addr add 127.0.0.1/8 dev lo; ip addr add ${LAB_IP[c.host]}/16 dev lo
find /etc/drbd.d -mindepth 1 -delete
[ -d ${q(join(cdir, "drbd.d"))} ] && cp -r ${q(join(cdir, "drbd.d"))}/. /etc/drbd.d/
printf '%s' ${q(c.files["/etc/drbd.conf"] ?? "")} > /etc/drbd.conf
`;
      (commands[i] ?? []).forEach((cmd, j) => {
        const o = join(cdir, "out", String(j));
        script += `PATH=${q(bindir)}:/usr/bin:/bin drbdadm ${cmd} >${q(`${o}.out`)} 2>${q(`${o}.err`)} </dev/null; echo $? >${q(`${o}.rc`)}\n`;
      });
    });
    const scriptPath = join(dir, "run.sh");
    writeFileSync(scriptPath, script);
    const userns = process.getuid?.() === 0 ? [] : ["--user", "--map-root-user"];
    const r = spawnSync("unshare", [...userns, "--mount", "--uts", "--net", "sh", scriptPath], {
      encoding: "utf8",
      timeout: 600_000,
    });
    if (r.status !== 0) throw new Error(`unshare failed (${r.status}): ${r.stderr}`);
    return cases.map((_c, i) =>
      (commands[i] ?? []).map((_cmd, j) => {
        const o = join(dir, String(i), "out", String(j));
        return {
          stdout: readFileSync(`${o}.out`, "utf8"),
          stderr: readFileSync(`${o}.err`, "utf8").replace(NOISE, ""),
          exit: Number(readFileSync(`${o}.rc`, "utf8").trim()),
        };
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
