/** Public API of the storage subsystem. */
export { createStorage, StorageSubsystem } from "./storage";
export { MountRegistry, MOUNT_OPENER, type Mounted } from "./registry";
export { unmount, unmountAll } from "./mount";
export { shellErrorForRejection } from "./shell-errors";
