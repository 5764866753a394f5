/**
 * Deterministic `$RANDOM`. just-bash computes it with Math.random, which is global to the
 * process and shared by every lab; patching it is unsafe across concurrent async labs. So
 * the parsed script is rewritten before it runs: every `$RANDOM` / `${RANDOM}` and every
 * `RANDOM` inside arithmetic becomes a call to a hidden command that draws from the lab's
 * seeded generator, evaluated at the same point bash would evaluate the variable.
 */
import { parse, type TransformPlugin } from "just-bash";
import type { Rng } from "../core/rng";
import type { CommandSpec } from "../world/types";

export const RANDOM_COMMAND = "__lab_random";

type Node = { [k: string]: unknown };

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (node === null || typeof node !== "object") return node;
  const n = node as Node;
  if (n.type === "ParameterExpansion" && n.parameter === "RANDOM" && n.operation === null) {
    return { type: "CommandSubstitution", body: parse(RANDOM_COMMAND), legacy: false };
  }
  if (n.type === "ArithVariable" && n.name === "RANDOM") {
    return { type: "ArithCommandSubst", command: RANDOM_COMMAND };
  }
  const out: Node = {};
  for (const [k, v] of Object.entries(n)) out[k] = rewrite(v);
  return out;
}

export function randomTransform(): TransformPlugin {
  return {
    name: "lab-random",
    transform(ctx) {
      return { ast: rewrite(ctx.ast) as typeof ctx.ast };
    },
  };
}

/** The hidden command: a value in [0, 32767] like bash's $RANDOM. */
export function randomCommandSpec(rng: () => Rng): CommandSpec {
  return { name: RANDOM_COMMAND, where: "both", run: async () => ({ stdout: `${rng().int(32768)}\n`, stderr: "", exitCode: 0 }) };
}
