import type { OptionValue } from "./options";

/** Where something was written: the file path as drbdadm opened it, and drbdadm's line. */
export interface SourceRef {
  file: string;
  line: number;
}

/** One `name value;` statement, as parsed (values are kept as written for `drbdadm dump`). */
export interface ConfigOption extends SourceRef {
  name: string;
  /** The value text as drbdadm keeps it (quotes removed); `yes`/`no` for a bare boolean. */
  raw: string;
  /** Boolean, enum string, string, or number in the option's base unit (see options.ts). */
  value: OptionValue;
}

export interface Address {
  af: "ipv4" | "ipv6" | "ssocks" | "sdp";
  addr: string;
  port: string;
}

export interface Volume extends SourceRef {
  vnr: number;
  /** `device`/`disk`/`meta-disk` written outside a `volume N { }` block. */
  implicit: boolean;
  device?: string;
  /** -1 when unknown. */
  minor: number;
  disk?: string;
  metaDisk?: string;
  /** "internal", "flexible" or the index of an external meta-disk `[N]`. */
  metaIndex?: string;
  parsedDevice: boolean;
  parsedDisk: boolean;
  parsedMetaDisk: boolean;
  deviceLine?: number;
  diskLine?: number;
  metaDiskLine?: number;
  tiebreaker?: boolean;
  diskOptions: ConfigOption[];
  deviceOptions: ConfigOption[];
  peerDeviceOptions: ConfigOption[];
}

export interface HostSection extends SourceRef {
  kind: "on" | "floating" | "stacked";
  /** Host names (`on a b {}`); for `floating` a name derived from the address. */
  names: string[];
  address?: Address;
  addressLine?: number;
  nodeId?: number;
  /** Node id computed by drbdadm for a two-node config without `node-id` (see node-id.ts). */
  implicitNodeId?: boolean;
  lowerResource?: string;
  /** `proxy on HOST { inside …; outside …; }` (DRBD Proxy: parsed and dumped, not simulated). */
  proxy?: ProxySection;
  volumes: Volume[];
  options: ConfigOption[];
}

export interface ProxySection {
  names: string[];
  inside?: Address;
  outside?: Address;
}

export interface HostAddress extends SourceRef {
  name: string;
  byAddress: boolean;
  address?: Address;
  port?: string;
  outsideAddress?: Address;
  /** `via proxy on HOST { … }` */
  proxy?: ProxySection;
}

export interface Path extends SourceRef {
  implicit: boolean;
  hosts: HostAddress[];
}

export interface PeerDeviceSection extends SourceRef {
  vnr: number;
  options: ConfigOption[];
}

export interface Connection extends SourceRef {
  name?: string;
  paths: Path[];
  net: ConfigOption[];
  peerDevice: ConfigOption[];
  volumes: PeerDeviceSection[];
}

export interface Mesh extends SourceRef {
  hosts: string[];
  net: ConfigOption[];
}

/** Option sections shared by `common` and `resource`. */
export interface SectionOptions {
  net: ConfigOption[];
  disk: ConfigOption[];
  deviceOptions: ConfigOption[];
  peerDevice: ConfigOption[];
  options: ConfigOption[];
  startup: ConfigOption[];
  handlers: ConfigOption[];
  stackedTimeouts: boolean;
}

export interface CommonSection extends SourceRef, SectionOptions {}

export interface Resource extends SourceRef, SectionOptions {
  name: string;
  volumes: Volume[];
  hosts: HostSection[];
  connections: Connection[];
  meshes: Mesh[];
  templateFile?: string;
}

export interface GlobalSection extends SourceRef {
  usageCount?: "yes" | "no" | "ask";
  minorCount?: number;
  dialogRefresh?: number;
  disableIpVerification: boolean;
  udevAlwaysUseVnr: boolean;
  cmdTimeoutShort?: number;
  cmdTimeoutMedium?: number;
  cmdTimeoutLong?: number;
}

export interface DrbdConfig {
  /** The entry file (`/etc/drbd.conf`), printed in the dump header. */
  entry: string;
  /** Files read, in the order drbdadm read them. */
  files: string[];
  global: GlobalSection | null;
  common: CommonSection | null;
  resources: Resource[];
}

export interface Diagnostic {
  file: string;
  line: number;
  column?: number;
  endColumn?: number;
  severity: "error" | "warning";
  code: string;
  /** drbdadm's text after the `file:line: ` prefix (may contain newlines and tabs). */
  message: string;
  messageFr: string;
  /**
   * The prefix drbdadm prints when it is not `file:line` (e.g. `file:0`, or just `file`
   * for "IP not found", or "" for messages without location).
   */
  location?: string;
  /** drbdadm exits after printing this one (parse errors, conflicts). */
  fatal?: boolean;
}

export function formatDiagnostic(d: Diagnostic): string {
  const loc = d.location ?? `${d.file}:${d.line}`;
  return loc === "" ? d.message : `${loc}: ${d.message}`;
}

export function emptySectionOptions(): SectionOptions {
  return {
    net: [],
    disk: [],
    deviceOptions: [],
    peerDevice: [],
    options: [],
    startup: [],
    handlers: [],
    stackedTimeouts: false,
  };
}
