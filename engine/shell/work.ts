/**
 * Work checkpoints that may wait, inside the interpreter. just-bash reads its limits
 * synchronously at every command and loop iteration (machine.ts meters them), but a loop made
 * of builtins only (`for j in $(seq 1 100); do :; done`) never awaits anything we provide: the
 * caller could not run other labs meanwhile. Every parse is therefore rewritten so that each
 * loop iteration and each function call starts with TICK, a hidden command of ours that may
 * let other work run (line-control.ts, spendAndYield). TICK gives back the status it found in
 * `$?`, and in a `for` body or a function it runs as `TICK "$_" && : "$_"`: the statement is
 * never the one `set -e` exits on, and `$?` and `$_` after it are what they were before.
 * `set -x` traces of these statements are taken out of what the terminal shows (xtraceFree).
 */

import type { TransformPlugin } from "just-bash";
import { sameOr } from "./determinism";
import { TTY_MARK } from "./tty";

/** Hidden command: a work checkpoint at the head of a loop iteration or a function call. */
export const TICK = "__lab_tick";

type Node = { [k: string]: unknown };

const literalWord = (text: string): Node => ({ type: "Word", parts: [{ type: "Literal", value: text }] });
/** `"$_"`: the last argument of the previous command, passed on so that `$_` stays as it was. */
const lastArg = (): Node => ({
  type: "Word",
  parts: [{ type: "DoubleQuoted", parts: [{ type: "ParameterExpansion", parameter: "_", operation: null }] }],
});
const simple = (name: string): Node => ({
  type: "Pipeline",
  commands: [{ type: "SimpleCommand", name: literalWord(name), args: [lastArg()], assignments: [], redirections: [] }],
  negated: false,
  timed: false,
  timePosix: false,
});

/** `TICK` alone: the head of a while/until condition (its status is the condition's last command's). */
const tickAlone = (): Node => ({ type: "Statement", pipelines: [simple(TICK)], operators: [], background: false });
/** `TICK && :`: the head of a body, transparent to `$?` and to `set -e`. */
const tickSafe = (): Node => ({
  type: "Statement",
  pipelines: [simple(TICK), simple(":")],
  operators: ["&&"],
  background: false,
});

function walk(n: unknown): unknown {
  if (Array.isArray(n)) return sameOr(n, n.map(walk));
  if (n === null || typeof n !== "object") return n;
  // copy on write: a subtree without loops nor functions is kept as parsed (the parse is this
  // exec's own); a node is copied only when one of its children changed or it gets its TICK
  const node = n as Node;
  let changed: Node | undefined;
  for (const k of Object.keys(node)) {
    const v = node[k];
    const r = walk(v);
    if (r === v) continue;
    changed ??= { ...node };
    changed[k] = r;
  }
  const out = changed ?? node;
  switch (out.type) {
    case "For":
    case "CStyleFor":
      if (Array.isArray(out.body)) return { ...out, body: [tickSafe(), ...out.body] };
      break;
    case "While":
    case "Until":
      if (Array.isArray(out.condition)) return { ...out, condition: [tickAlone(), ...out.condition] };
      break;
    case "FunctionDef": {
      const body = out.body as Node | undefined;
      if (body && Array.isArray(body.body))
        return { ...out, body: { ...body, body: [tickSafe(), ...(body.body as Node[])] } };
      break;
    }
  }
  return out;
}

/** `set -x` lines of the tick statements (`+ __lab_tick …` and the `+ : …` after it). */
const TICK_TRACE_RE = new RegExp(`^(\\++) ${TICK}( [^\\n]*)?\\n(?:\\1 :\\2\\n)?`, "gm");

/** `set -x` lines of a command marked as printing to the terminal (tty.ts): the mark. */
const MARK_TRACE_RE = new RegExp(`^(\\++ \\S+) ${TTY_MARK}`, "gm");

/** Output without the `set -x` traces of the tick statements nor the terminal mark. */
export function xtraceFree(text: string): string {
  const t = text.includes(TICK) ? text.replace(TICK_TRACE_RE, "") : text;
  return t.includes(TTY_MARK) ? t.replace(MARK_TRACE_RE, "$1") : t;
}

/** The rewriting, applied to every parse (the terminal line, scripts, `bash -c`, nested lines). */
export function tickTransform(): TransformPlugin {
  return {
    name: "lab-tick",
    transform(ctx) {
      return { ast: walk(ctx.ast) as typeof ctx.ast };
    },
  };
}
