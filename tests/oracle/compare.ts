/**
 * What the differential suite compares: the commands run on each case, and the differences
 * between the two runs, field by field, with the allow-list applied.
 */
import { ALLOWED, type Allowed } from "./allow-list";
import type { OracleCase } from "./corpus";
import type { Run } from "./real";

/** The first resource name as drbdadm reads the files (drbd.conf, then drbd.d in name order). */
export function firstResource(c: OracleCase): string {
  const paths = Object.keys(c.files).sort((a, b) =>
    a === "/etc/drbd.conf" ? -1 : b === "/etc/drbd.conf" ? 1 : a.localeCompare(b),
  );
  for (const p of paths) {
    const m = /^\s*resource\s+"?([\w.-]+)/m.exec((c.files[p] ?? "").replace(/#.*$/gm, ""));
    if (m) return m[1] as string;
  }
  return "r0";
}

export function commandsFor(c: OracleCase): string[] {
  const r = firstResource(c);
  return [
    "dump",
    `dump ${r}`,
    "-d up all",
    "-d down all",
    "-d adjust all",
    `-d verify ${r}`,
    `-d wait-connect ${r}`,
    `-d wait-sync ${r}`,
    `-d dump-md ${r}`,
    `-d --force wipe-md ${r}`,
    "sh-resources",
    `sh-dev ${r}`,
    `sh-minor ${r}`,
    `sh-md-dev ${r}`,
    `sh-ll-dev ${r}`,
  ];
}

export interface Difference {
  case: string;
  command: string;
  field: "stdout" | "stderr" | "exit";
  real: string;
  sim: string;
  /** The real drbdadm's stderr for that command (entries may match on it). */
  realStderr: string;
}

export function differences(c: OracleCase, cmds: string[], real: Run[], sim: Run[]): Difference[] {
  const out: Difference[] = [];
  cmds.forEach((command, j) => {
    const a = real[j] as Run;
    const b = sim[j] as Run;
    for (const field of ["stdout", "stderr", "exit"] as const)
      if (String(a[field]) !== String(b[field]))
        out.push({ case: c.id, command, field, real: String(a[field]), sim: String(b[field]), realStderr: a.stderr });
  });
  return out;
}

const selects = (a: Allowed, d: Difference) =>
  a.case.test(d.case) &&
  a.command.test(d.command) &&
  (a.field === undefined || a.field === d.field) &&
  (a.realStderr === undefined || a.realStderr.test(d.realStderr));

/**
 * The entries that explain a difference: one entry without `normalise`, or the normalising
 * entries that, applied together, make both outputs equal (two version changes in one message).
 */
export function explain(d: Difference, list: readonly Allowed[] = ALLOWED): Allowed[] {
  const matching = list.filter((a) => selects(a, d));
  const plain = matching.find((a) => a.normalise === undefined);
  if (plain) return [plain];
  const norms = matching.filter((a) => a.normalise);
  const apply = (s: string, ns: Allowed[]) => ns.reduce((acc, a) => (a.normalise as (x: string) => string)(acc), s);
  const single = norms.find((a) => apply(d.real, [a]) === apply(d.sim, [a]));
  if (single) return [single];
  if (norms.length > 1 && apply(d.real, norms) === apply(d.sim, norms))
    return norms.filter((a) => apply(d.real, [a]) !== d.real || apply(d.sim, [a]) !== d.sim);
  return [];
}

export function allowedBy(d: Difference, list: readonly Allowed[] = ALLOWED): Allowed | undefined {
  return explain(d, list)[0];
}
