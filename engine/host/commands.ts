/** Commands that exist only on the Docker host. */
import type { CommandSpec } from "../world/types";
import { dockerComposeCommand } from "./compose";
import { dockerCommand } from "./docker";

export function hostCommands(): CommandSpec[] {
  return [dockerCommand, dockerComposeCommand];
}
