/** The engine's generic shell commands (nodes and host); subsystems add their own. */
import type { CommandSpec } from "../../world/types";
import { timeoutCommand } from "../builtins-time";
import { fileCommands } from "./files";
import { identityCommands } from "./identity";
import { miscCommands } from "./misc";
import { ipCommand, pingCommand } from "./net";
import { iptablesCommand, tcCommand } from "./netfilter";
import { systemCommands } from "./system";
import { dateCommand, sleepCommand, uptimeCommand } from "./time";

export function genericCommands(): CommandSpec[] {
  return [
    dateCommand,
    sleepCommand,
    uptimeCommand,
    ...identityCommands,
    ipCommand,
    pingCommand,
    tcCommand,
    iptablesCommand,
    ...fileCommands,
    ...systemCommands,
    timeoutCommand,
    ...miscCommands,
  ];
}
