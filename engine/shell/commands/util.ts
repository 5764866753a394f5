/** Small helpers shared by our shell commands. */

import type { CommandContext, ExecResult } from "../../world/types";
import type { LabWorld } from "../../world/world";

export function ok(stdout = ""): ExecResult {
  return { stdout, stderr: "", exitCode: 0 };
}

export function fail(stderr: string, exitCode = 1, stdout = ""): ExecResult {
  return { stdout, stderr: stderr.endsWith("\n") || stderr === "" ? stderr : `${stderr}\n`, exitCode };
}

/** Our commands run inside a LabWorld (the World contract plus the engine's internals). */
export function labWorld(ctx: CommandContext): LabWorld {
  return ctx.world as LabWorld;
}

export function currentUser(ctx: CommandContext): string {
  return ctx.session?.user ?? ctx.env.USER ?? "root";
}

/** `cmd: invalid option -- 'x'` + GNU's hint line. */
export function gnuBadOption(cmd: string, opt: string): ExecResult {
  return fail(`${cmd}: invalid option -- '${opt}'\nTry '${cmd} --help' for more information.`);
}

export function pad(s: string | number, n: number): string {
  return String(s).padStart(n);
}

export function padEnd(s: string | number, n: number): string {
  return String(s).padEnd(n);
}
