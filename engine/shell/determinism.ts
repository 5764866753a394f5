/**
 * Keeps scripts deterministic without touching process globals. just-bash computes `$RANDOM`
 * with the global random generator, `$SECONDS` and the `time` keyword with the wall clock; that generator is
 * shared by every lab in the process, so patching it is unsafe across concurrent async labs.
 * Instead the parsed script is rewritten before it runs:
 * - `$RANDOM`, `${RANDOM}` and `RANDOM` in arithmetic call a hidden command drawing from the
 *   lab's seeded generator, at the point bash would evaluate the variable;
 * - `$SECONDS` likewise reads the virtual clock;
 * - `time PIPELINE` becomes `{ __lab_time_start; PIPELINE; __lab_time_end $?; }`, which
 *   reports virtual durations and keeps the pipeline's exit status.
 */
import { parse, type TransformPlugin } from "just-bash";
import type { Rng } from "../core/rng";
import type { CommandSpec } from "../world/types";

export const RANDOM_COMMAND = "__lab_random";
/** `$SECONDS`: seconds since the terminal's shell started, on the virtual clock. */
export const SECONDS_COMMAND = "__lab_seconds";
export const TIME_START = "__lab_time_start";
export const TIME_END = "__lab_time_end";

const REWRITTEN: Record<string, string> = { RANDOM: RANDOM_COMMAND, SECONDS: SECONDS_COMMAND };

type Node = { [k: string]: unknown };

function timedGroup(pipeline: Node): Node {
  const posix = pipeline.timePosix === true;
  const group = parse(`{ ${TIME_START}; __lab_placeholder; ${TIME_END} ${posix ? "-p " : ""}$?; }`).statements[0]
    ?.pipelines[0] as unknown as Node;
  const body = (group.commands as Node[])[0]?.body as Node[];
  // the placeholder statement gets the original pipeline, untimed
  (body[1] as Node).pipelines = [{ ...pipeline, timed: false, timePosix: false }];
  return group;
}

/** `mapped` if one of its items differs from `list`'s, else `list` itself (copy on write). */
export function sameOr(list: unknown[], mapped: unknown[]): unknown[] {
  for (let i = 0; i < list.length; i++) if (mapped[i] !== list[i]) return mapped;
  return list;
}

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return sameOr(node, node.map(rewrite));
  if (node === null || typeof node !== "object") return node;
  const n = node as Node;
  if (
    n.type === "ParameterExpansion" &&
    typeof n.parameter === "string" &&
    REWRITTEN[n.parameter] &&
    n.operation === null
  ) {
    return { type: "CommandSubstitution", body: parse(REWRITTEN[n.parameter] as string), legacy: false };
  }
  if (n.type === "ArithVariable" && typeof n.name === "string" && REWRITTEN[n.name]) {
    return { type: "ArithCommandSubst", command: REWRITTEN[n.name] };
  }
  // copy on write: a node none of whose children changed is kept as parsed (the parse is this
  // exec's own), so a line without $RANDOM, $SECONDS nor `time` costs a walk, not a copy
  let out: Node | undefined;
  for (const k of Object.keys(n)) {
    const v = n[k];
    const r = rewrite(v);
    if (r === v) continue;
    out ??= { ...n };
    out[k] = r;
  }
  const res = out ?? n;
  if (res.type === "Pipeline" && res.timed === true) return timedGroup(res);
  return res;
}

export function determinismTransform(): TransformPlugin {
  return {
    name: "lab-determinism",
    transform(ctx) {
      return { ast: rewrite(ctx.ast) as typeof ctx.ast };
    },
  };
}

/** The hidden command: a value in [0, 32767] like bash's $RANDOM. */
export function randomCommandSpec(rng: () => Rng): CommandSpec {
  return {
    name: RANDOM_COMMAND,
    where: "both",
    run: async () => ({ stdout: `${rng().int(32768)}\n`, stderr: "", exitCode: 0 }),
  };
}
