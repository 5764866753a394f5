/** Public API of the storage subsystem. */

export { unmount, unmountAll } from "./mount";
export { MOUNT_OPENER, type Mounted, MountRegistry } from "./registry";
export { shellErrorForRejection } from "./shell-errors";
export { createStorage, StorageSubsystem } from "./storage";
