/**
 * DRBD 9 state names, refusal codes and texts, exit codes — as tables, like drbd_strings.c
 * (drbd-headers) and drbdsetup.c error_messages[] (drbd-utils user/v9).
 */

/** enum drbd_role (index = kernel value). */
export const ROLES = ["Unknown", "Primary", "Secondary"] as const;
export type Role = (typeof ROLES)[number];

/** enum drbd_disk_state, DRBD 9 numbering (Detaching inserted at 2): order matters. */
export const DISK_STATES = [
  "Diskless",
  "Attaching",
  "Detaching",
  "Failed",
  "Negotiating",
  "Inconsistent",
  "Outdated",
  "DUnknown",
  "Consistent",
  "UpToDate",
] as const;
export type DiskState = (typeof DISK_STATES)[number];

/** enum drbd_conn_state (DRBD 9: per connection). */
export const CONN_STATES = [
  "StandAlone",
  "Disconnecting",
  "Unconnected",
  "Timeout",
  "BrokenPipe",
  "NetworkFailure",
  "ProtocolError",
  "TearDown",
  "Connecting",
  "Connected",
] as const;
export type ConnState = (typeof CONN_STATES)[number];

/** enum drbd_repl_state (DRBD 9: per peer device), values 9..23 in the kernel. */
export const REPL_STATES = [
  "Off",
  "Established",
  "StartingSyncS",
  "StartingSyncT",
  "WFBitMapS",
  "WFBitMapT",
  "WFSyncUUID",
  "SyncSource",
  "SyncTarget",
  "VerifyS",
  "VerifyT",
  "PausedSyncS",
  "PausedSyncT",
  "Ahead",
  "Behind",
] as const;
export type ReplState = (typeof REPL_STATES)[number];

/** Numeric rank of a disk state, for the kernel's `<` / `>` comparisons. */
export function diskRank(d: DiskState): number {
  return DISK_STATES.indexOf(d);
}

export function isSyncSourceState(r: ReplState): boolean {
  return r === "SyncSource" || r === "PausedSyncS";
}
export function isSyncTargetState(r: ReplState): boolean {
  return r === "SyncTarget" || r === "PausedSyncT";
}

/** State-change result codes (enum drbd_state_rv) with their DRBD 9 texts. */
export const STATE_ERRORS = {
  "-1": "Multiple primaries not allowed by config",
  "-2": "Need access to UpToDate data",
  "-4": "Can not resync without local disk",
  "-5": "Can not resync without remote disk",
  "-6": "Refusing to be Outdated while Connected",
  "-7": "Refusing to be Primary while peer is not outdated",
  "-8": "Can not start OV/resync since it is already active",
  "-9": "Can not disconnect a StandAlone device",
  "-10": "State change was refused by peer node",
  "-11": "Device is diskless, the requested operation requires a disk",
  "-12": "Device is held open by someone",
  "-13": "Have no net/connection configuration",
  "-14": "Need a verify algorithm to start online verify",
  "-15": "State change requires a connection",
  "-16": "Disk state is lower than outdated",
  "-17": "Peer does not support protocol",
  "-18": "In transient state, retry after next state change",
  "-19": "Concurrent state changes detected and aborted",
  "-20": "Other vol primary on peer not allowed by config",
  "-21": "Interrupted state change",
  "-22": "Peer may not become primary while device is opened read-only",
  "-23": "Timeout in operation",
  "-24": "Primary nodes must be strongly connected among each other",
  "-25": "No quorum",
  "-26": "Intentional diskless peer may not attach a disk",
  "-27": "Disconnect chosen in handshake",
  "-28": "Retry chosen in handshake",
} as const;
export type StateErrorCode =
  | -1
  | -2
  | -4
  | -5
  | -6
  | -7
  | -8
  | -9
  | -10
  | -11
  | -12
  | -13
  | -14
  | -15
  | -16
  | -17
  | -18
  | -19
  | -20
  | -21
  | -22
  | -23
  | -24
  | -25
  | -26
  | -27
  | -28;

export function stateErrorText(code: StateErrorCode): string {
  return STATE_ERRORS[String(code) as keyof typeof STATE_ERRORS];
}

/** drbdsetup "Failure: (NNN)" texts (drbdsetup.c error_messages[]). */
export const FAILURES = {
  102: "Local address(port) already in use.",
  104: "Can not open backing device.",
  111: "Low.dev. smaller than requested DRBD-dev. size.",
  114: "Lower device is already claimed. This usually means it is mounted.",
  119: "No valid meta-data signature found.\n\n\t==> Use 'drbdadm create-md res' to initialize meta-data area. <==",
  123: "--discard-my-data not allowed when primary.",
  124: "Device is attached to a disk (use detach first)",
  125: "Device has a net-config (use disconnect first)",
  127: "Device minor not allocated",
  130: "Resize not allowed during resync.",
  134: "Sync-pause flag is already set",
  135: "Sync-pause flag is already cleared",
  138: "Device does not have a disk-config",
  139: "Protocol C required",
  151: "Need to be StandAlone",
  158: "Unknown resource",
  161: "Minor or volume exists already (delete it first)",
  162: "Invalid configuration request",
} as const;
export type FailureCode = keyof typeof FAILURES;

/**
 * drbdsetup exit code for a state-change refusal (drbdsetup.c check_error):
 * SS_NO_UP_TO_DATE_DISK → 17, SS_LOWER_THAN_OUTDATED → 5, SS_NO_LOCAL_DISK → 16, others → 11.
 */
export function exitCodeForStateError(code: StateErrorCode): number {
  const table: Partial<Record<StateErrorCode, number>> = { [-2]: 17, [-16]: 5, [-4]: 16 };
  return table[code] ?? 11;
}

/** Any "Failure: (1xx)" makes drbdsetup exit 10. */
export const FAILURE_EXIT = 10;
