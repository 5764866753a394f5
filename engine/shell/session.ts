/**
 * What a terminal carries from one command line to the next. just-bash starts every exec()
 * afresh (only files persist), so the shell variables, aliases (BASH_ALIAS_*), cwd and
 * function definitions are captured after each line and handed to the next one.
 */
import { parse, serialize } from "just-bash";

export interface ShellSession {
  user: string;
  cwd: string;
  /** Shell variables and aliases as just-bash reports them after an exec. */
  env: Record<string, string>;
  /** Function definitions by name, as source text prepended to the next line. */
  functions: Record<string, string>;
  /** When the shell started (virtual µs), for $SECONDS. */
  startedUs: number;
  /** Exit status of the previous command line: `$?` at the start of the next one (0 when absent). */
  lastExit?: number;
}

/** Variables that the interpreter recomputes on every exec, or that must not leak across. */
const VOLATILE = new Set([
  "?",
  "SHELLOPTS",
  "BASHOPTS",
  "OPTIND",
  "_",
  "RANDOM",
  "SECONDS",
  "LINENO",
  "BASHPID",
  "PPID",
  "UID",
  "EUID",
  "IFS",
]);

export function carryEnv(after: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(after).sort()) if (!VOLATILE.has(k)) out[k] = after[k] as string;
  return out;
}

/**
 * Top-level function definitions of a command line (`f() { …; }`), serialized so that the
 * next exec can define them again. A definition that does not survive a serialize/parse
 * round trip is dropped rather than corrupting every later command.
 */
export function extractFunctions(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  let ast: ReturnType<typeof parse>;
  try {
    ast = parse(line);
  } catch {
    return out;
  }
  for (const st of ast.statements) {
    for (const p of st.pipelines) {
      for (const c of p.commands) {
        if (c.type !== "FunctionDef") continue;
        const text = serialize({ ...ast, statements: [{ ...st, pipelines: [{ ...p, commands: [c] }] }] } as typeof ast);
        try {
          parse(text);
          out[c.name] = text;
        } catch {
          // not round-trippable (e.g. heredoc inside): keep the previous definition, if any
        }
      }
    }
  }
  return out;
}

/** `unset -f NAME` removes a carried function. */
export function unsetFunctions(line: string): string[] {
  const names: string[] = [];
  const re = /(?:^|[;&|]\s*)unset\s+-f\s+([A-Za-z_][\w\s-]*)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) names.push(...(m[1] ?? "").trim().split(/\s+/));
  return names;
}
