/**
 * A terminal line's output as it is printed. just-bash returns a line's output only when the
 * line ends; a lab terminal shows it as it comes (`monitor.sh watch` refreshes, a loop with
 * `sleep` prints a line per turn). The parsed line is rewritten so that every command whose
 * output goes straight to the terminal appends it to two device files, one for stdout and one
 * for stderr, which the machine's filesystem hands to the line's sink at once:
 * `cmd` becomes `cmd >>TTY_OUT 2>>TTY_ERR` (before the command's own redirections, so `2>&1`,
 * `> file` keep their meaning). Loops, `if`, `case`, groups and subshells are entered (their
 * commands print as they run); a pipeline of several commands, a compound command with its
 * own output redirection, a function call, a script run by `bash script` print when they end.
 * Command substitutions are never touched: their output is a value, not terminal output.
 * A script run by its path (`/scripts/monitor.sh watch`) goes through `TTY_SCRIPT`, which
 * runs it with `bash` and asks for its text to be rewritten the same way.
 * Only the line typed at the terminal (and such scripts) are rewritten: `su -c`, `docker exec`
 * without -it and the like run nested lines whose output is a value for their caller.
 *
 * A command that prints while it runs (`drbdsetup events2` following changes, `timeout`,
 * `bash -c`: CommandSpec.streams) cannot do so through the redirection, which receives its
 * stdout when it ends. When such a command's stdout is the terminal (a command of the typed
 * line, alone in its pipeline, without an output redirection of its own), the rewriting passes it
 * TTY_MARK as its first argument: the machine takes the mark off and gives the command
 * `ctx.print`, which appends to TTY_OUT at once. A command that runs another line for the
 * terminal (`timeout 5 CMD`, `bash -c LINE`) has that line rewritten in turn.
 */
import type { TransformPlugin } from "just-bash";

/** Hidden device files of every machine: appends go to the running terminal line. */
export const TTY_OUT = "/dev/.lab-tty/1";
export const TTY_ERR = "/dev/.lab-tty/2";
/** Hidden command running a script file in the terminal's context (see ttyScriptSpec). */
export const TTY_SCRIPT = "__lab_tty_script";
/** Hidden first argument of a streaming command whose stdout is the terminal. */
export const TTY_MARK = "__lab_tty_stdout";

export interface TtyChunk {
  stream: "stdout" | "stderr";
  text: string;
}

type Node = { [k: string]: unknown };

const word = (text: string): Node => ({ type: "Word", parts: [{ type: "Literal", value: text }] });
const redirect = (fd: number, path: string): Node => ({
  type: "Redirection",
  fd,
  operator: ">>",
  target: word(path),
});
const ttyRedirections = (): Node[] => [redirect(1, TTY_OUT), redirect(2, TTY_ERR)];

/** Input-only redirections leave the output of a compound command on the terminal. */
const INPUT_OPS = new Set(["<", "<<", "<<-", "<<<"]);
const writesOutput = (redirections: unknown): boolean =>
  Array.isArray(redirections) && redirections.some((r) => !INPUT_OPS.has((r as Node).operator as string));
/** Names of the commands that print while they run (CommandSpec.streams). */
type Streamers = ReadonlySet<string>;

/** The literal text of a word made of plain parts only (`/scripts/monitor.sh`), else undefined. */
function literal(w: unknown): string | undefined {
  const parts = (w as Node | null)?.parts;
  if (!Array.isArray(parts) || parts.length === 0) return undefined;
  let s = "";
  for (const p of parts as Node[]) {
    if (p.type === "Literal" || p.type === "SingleQuoted") s += p.value as string;
    else return undefined;
  }
  return s;
}

function statements(list: unknown, st: Streamers): unknown {
  if (!Array.isArray(list)) return list;
  return (list as Node[]).map((s) => {
    if (s.type !== "Statement" || s.background === true || s.deferredError) return s;
    return { ...s, pipelines: (s.pipelines as Node[]).map((p) => pipeline(p, st)) };
  });
}

function pipeline(p: Node, st: Streamers): Node {
  const commands = p.commands as Node[];
  if (commands.length === 1) return { ...p, commands: [command(commands[0] as Node, st)] };
  // `a | b`: the pipe's output goes to the terminal when the pipeline ends, stdout and stderr
  // each in order, from a group around it
  const inner: Node = { ...p, negated: false, timed: false, timePosix: false };
  const group: Node = {
    type: "Group",
    body: [{ type: "Statement", pipelines: [inner], operators: [], background: false }],
    redirections: ttyRedirections(),
  };
  return { type: "Pipeline", commands: [group], negated: p.negated === true };
}

function command(c: Node, st: Streamers): Node {
  switch (c.type) {
    case "SimpleCommand": {
      // `X=$(cmd)` alone: bash gives the substitution's status; with a redirection just-bash
      // gives 0 (drbd-status.sh read rc=$? after it). It prints nothing itself: leave it as typed.
      if (!c.name) return c;
      const name = literal(c.name);
      // `exec >file` without a command changes the shell's own descriptors: leave it as typed
      if (name === "exec") return c;
      // a script run by its path: through TTY_SCRIPT, which rewrites its text as well
      // (a command with an output redirection of its own prints where it says, when it ends:
      // a script or `bash -c` rewritten would print to the terminal what goes to a file)
      const own = writesOutput(c.redirections);
      const args = !own && name?.includes("/") === true && name.endsWith(".sh");
      // a streaming command whose output is the terminal: marked so that it prints at once
      const mark = !own && name !== undefined && st.has(name);
      return {
        ...c,
        ...(args ? { name: word(TTY_SCRIPT), args: [c.name, ...(c.args as Node[])] } : {}),
        ...(mark ? { args: [word(TTY_MARK), ...(c.args as Node[])] } : {}),
        redirections: [...ttyRedirections(), ...(c.redirections as Node[])],
      };
    }
    case "FunctionDef":
      return c;
    case "If":
    case "For":
    case "CStyleFor":
    case "While":
    case "Until":
    case "Case":
    case "Group":
    case "Subshell":
      if (writesOutput(c.redirections))
        return { ...c, redirections: [...ttyRedirections(), ...(c.redirections as Node[])] };
      return enter(c, st);
    default:
      return { ...c, redirections: [...ttyRedirections(), ...((c.redirections as Node[] | undefined) ?? [])] };
  }
}

function enter(c: Node, st: Streamers): Node {
  const out: Node = { ...c };
  if (c.type === "If")
    out.clauses = (c.clauses as Node[]).map((k) => ({
      ...k,
      condition: statements(k.condition, st),
      body: statements(k.body, st),
    }));
  if (c.type === "If") out.elseBody = statements(c.elseBody, st);
  if (c.type === "While" || c.type === "Until") out.condition = statements(c.condition, st);
  if (c.type === "Case") out.items = (c.items as Node[]).map((i) => ({ ...i, body: statements(i.body, st) }));
  if ("body" in c && c.type !== "If" && c.type !== "Case") out.body = statements(c.body, st);
  return out;
}

/**
 * The machine's own statements ahead of a typed line (machine.ts: `shopt -s expand_aliases`,
 * the session's functions, `(exit N)` or `((0))` for `$?`): they print nothing, so they need no
 * redirection to the terminal (each costs bash a lookup and an open of both device files).
 */
function isPrelude(s: Node): boolean {
  const pipelines = s.pipelines as Node[] | undefined;
  if (s.type !== "Statement" || s.background === true || pipelines?.length !== 1) return false;
  const commands = (pipelines[0] as Node).commands as Node[];
  const c = commands.length === 1 ? (commands[0] as Node) : undefined;
  if (!c || (Array.isArray(c.redirections) && c.redirections.length > 0)) return false;
  if (c.type === "FunctionDef") return true;
  // `((0))`: `$?` set to 1
  if (c.type === "ArithmeticCommand") return (c.expression as Node | undefined)?.originalText === "0";
  if (c.type === "SimpleCommand")
    return (
      literal(c.name) === "shopt" &&
      Array.isArray(c.args) &&
      c.args.length === 2 &&
      literal(c.args[0]) === "-s" &&
      literal(c.args[1]) === "expand_aliases"
    );
  if (c.type !== "Subshell" || !Array.isArray(c.body) || c.body.length !== 1) return false;
  const inner = ((c.body[0] as Node).pipelines as Node[] | undefined)?.[0]?.commands as Node[] | undefined;
  const e = inner?.length === 1 ? (inner[0] as Node) : undefined;
  return (
    e?.type === "SimpleCommand" &&
    literal(e.name) === "exit" &&
    Array.isArray(e.args) &&
    e.args.length === 1 &&
    /^\d+$/.test(literal(e.args[0]) ?? "")
  );
}

/**
 * The rewriting, applied to a parse only when `take()` says so (the machine arms it for the
 * terminal line and for scripts TTY_SCRIPT runs; every other parse is left alone). `take()`
 * answers how many leading statements are the machine's prelude, left as they are when they
 * are the prelude's forms (anything else there is rewritten as usual).
 */
export function ttyTransform(take: () => number | false, streaming: Streamers = new Set()): TransformPlugin {
  return {
    name: "lab-tty",
    transform(ctx) {
      const prelude = take();
      if (prelude === false) return { ast: ctx.ast };
      const all = ctx.ast.statements as unknown as Node[];
      let keep = 0;
      while (keep < prelude && keep < all.length && isPrelude(all[keep] as Node)) keep++;
      const rest = statements(all.slice(keep), streaming) as Node[];
      return { ast: { ...ctx.ast, statements: [...all.slice(0, keep), ...rest] } as unknown as typeof ctx.ast };
    },
  };
}
