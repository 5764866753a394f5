/**
 * Programs the lab machines do not have, which just-bash would otherwise refuse with its own
 * message about "browser environments" (its Python runtime is left out): bash's answer instead.
 */
import { type Command, defineCommand } from "just-bash";

export const NOT_INSTALLED = ["python", "python3"] as const;

/** `bash: NAME: command not found` (127) for each absent program not provided by `provided`. */
export function notInstalledCommands(provided: ReadonlySet<string>): Command[] {
  return NOT_INSTALLED.filter((name) => !provided.has(name)).map((name) =>
    defineCommand(name, async () => ({ stdout: "", stderr: `bash: ${name}: command not found\n`, exitCode: 127 })),
  );
}
