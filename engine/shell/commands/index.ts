/** The engine's generic shell commands (nodes and host); subsystems add their own. */
import type { CommandSpec } from "../../world/types";
import { identityCommands } from "./identity";
import { dateCommand, sleepCommand, uptimeCommand } from "./time";

export function genericCommands(): CommandSpec[] {
  return [dateCommand, sleepCommand, uptimeCommand, ...identityCommands];
}
