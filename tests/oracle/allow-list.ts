/**
 * Differences between the simulator and the real drbdadm of the suite (Debian's drbd-utils
 * 9.22) that are deliberate, each with its reason. The suite fails on any difference not listed
 * here and on any entry that no longer matches a difference. An entry with `normalise` only
 * covers a difference that disappears once both outputs are normalised by it.
 */
export interface Allowed {
  /** Case ids (tests/oracle/corpus.ts). */
  case: RegExp;
  /** drbdadm arguments, e.g. /^-d up/. */
  command: RegExp;
  field?: "stdout" | "stderr" | "exit";
  /** Only when the real drbdadm's stderr for the command matches. */
  realStderr?: RegExp;
  /** Only when both outputs are equal after this. */
  normalise?: (s: string) => string;
  reason: string;
}

const ANY = /./;

export const ALLOWED: readonly Allowed[] = [
  // --- drbd-utils 9.22 (the oracle, Debian 12) vs 9.34 (current; the simulator follows it) ---
  {
    case: ANY,
    command: ANY,
    realStderr: /a syncer option keyword' expected,\n\tbut got 'rate'|but got 'tiebreaker'|but got 'via'/,
    reason:
      "9.34 accepts what 9.22 refuses: 8.3-style `syncer { rate }` (from 9.29), `tiebreaker`, `via outside-address` (bf393b9c); the simulator follows 9.34",
  },
  {
    case: ANY,
    command: ANY,
    field: "stderr",
    normalise: (s) =>
      s
        .replace(/ \(TK \d+\)/g, "")
        .replace(/Parse error: '[^']*' expected/g, "Parse error: '…' expected")
        .replace(/ \| resync-without-replication \| peer-tiebreaker/g, ""),
    reason:
      "parse errors: 9.34's token numbers (TK) and 'expected' keyword lists include what 9.22 lacks (resync-without-replication, peer-tiebreaker, new options); same file, line and token",
  },
  {
    case: ANY,
    command: ANY,
    field: "stderr",
    normalise: (s) => s.replace(/^\/etc\/drbd\.(conf|d\/[\w.-]+):(\d+): (in resource|Resource)/gm, "FILE:$2: $3"),
    reason:
      "post-parse errors: 9.22 names the main config file with the resource file's line; 9.28+ names the resource's file (60003dc1 'postparse: improve file:line reporting')",
  },
  {
    case: ANY,
    command: ANY,
    normalise: (s) => s.replace(/\b(\d+\.\d+\.\d+\.\d+)_(\d+)\b/g, "$1:$2"),
    reason:
      "floating hosts: 9.34 derives the host name `ADDR_PORT` (de04e7e9 strict names), 9.22 `ADDR:PORT` (in messages and `--_name=`)",
  },
  {
    case: ANY,
    command: ANY,
    field: "stderr",
    normalise: (s) => s.replace(/^(\/etc\/[\w./-]+):\d+: (conflicting use|.* first used here)/gm, "$1:N: $2"),
    reason:
      "uniqueness conflicts (minor, disk, port): 9.22 prints line 0; the simulator prints the line of each statement, which a learner needs",
  },
  {
    case: ANY,
    command: /^-d (up|adjust)/,
    field: "stdout",
    normalise: (s) => s.replace(/^drbdmeta \d+ v09 \S+ \S+ repair-md\n/gm, ""),
    reason:
      "adm_attach runs `drbdmeta … repair-md` before apply-al from drbd-utils 9.24 on (6053adff 'add repair-md command to fix up UUIDs'); the simulator is 9.28, the oracle 9.22",
  },
  {
    case: ANY,
    command: ANY,
    realStderr: /^Segmentation fault/m,
    reason:
      "drbdadm 9.22 crashes (exit 139) on a connection whose peer has no address; fixed upstream (e9d02128 'fix segfault if we don't know about peer devices')",
  },
  // --- deliberate: not simulated ---
  {
    case: /^gen\/proxy(-via)?\/|^engine\/drbd\/commands\/dry-run\.test\.ts#/,
    command: /^-d (up|adjust)/,
    field: "stdout",
    reason:
      "DRBD Proxy is not simulated: `proxy on HOST` sections are parsed and dumped, but the simulator connects directly (no `drbd-proxy-ctl` calls, no path through the proxy's inside address)",
  },
  // --- the oracle's run, not the lab ---
  {
    case: /^gen\/foreign-ip\/|^stacked\/r0-U@node1$/,
    command: /^-d /,
    reason:
      "verify_ips() is skipped for a dry run without a terminal (drbdadm_main.c: dry_run && no_tty); the suite runs drbdadm without a tty, the lab's terminal is one, so the simulator checks the address (for a stacked resource named on the command line too: is_drbd_top; stacked/r0-U-local@node1 compares the same commands with a local address)",
  },
];
