import type { Address, ConfigOption, DrbdConfig, HostSection, Resource } from "./model";
import { OPTION_TABLE, type OptionSection, type OptionValue } from "./options";
import { connectionsOf, hostnamesEqual, hostVolumes } from "./topology";

/** Effective settings of one resource on one host (drbdadm's expand_common() + "me"/peers). */

export type OptionMap = Record<string, OptionValue>;

export interface ResolvedVolume {
  vnr: number;
  minor: number;
  device: string;
  /** Backing disk, or "none" for a diskless client. */
  disk: string;
  metaDisk: string;
  metaIndex: string;
  /** Disk and device options of this volume (common < resource < resource volume < host volume). */
  disk_options: OptionMap;
  /** The same, values as written (`500M`, `no`), in drbdadm's order: what `drbdadm -d` passes on. */
  diskOptionsRaw: Record<string, string>;
  /** max-bio-size, block-size, diskless, discard-granularity (drbdsetup new-minor). */
  deviceOptions: OptionMap;
}

export interface ResolvedPeer {
  name: string;
  /** drbdadm's connection `_name`: the host's names joined by '_' (`node1_node2` for a stacked section). */
  connName: string;
  nodeId: number;
  address?: Address;
  /** The peer's replication port (from its address or `host … port N`). */
  port?: number;
  /** Address this host uses towards that peer. */
  myAddress?: Address;
  /** The connection's second and later `path { }` sections: [this host's, the peer's] address. */
  extraPaths: Array<{ myAddress?: Address; address?: Address }>;
  /** Net options of this connection (common < resource < connection-mesh/connection). */
  net: OptionMap;
  /** The same, values as written, in drbdadm's order (for `drbdsetup new-peer` lines). */
  netRaw: Record<string, string>;
  peerDevice: OptionMap;
  /** Peer-device options per volume number (connection volume N { disk { } } included). */
  volumes: Array<{ vnr: number; peerDevice: OptionMap; peerDeviceRaw: Record<string, string> }>;
  settings: NetSettings;
}

export interface ResolvedResource {
  name: string;
  file: string;
  line: number;
  me: { name: string; nodeId: number; address?: Address; implicitNodeId: boolean };
  volumes: ResolvedVolume[];
  peers: ResolvedPeer[];
  net: OptionMap;
  disk: OptionMap;
  peerDevice: OptionMap;
  options: OptionMap;
  /**
   * A stacked resource seen from its stacked section (is_drbd_top) without `stacked-timeouts`:
   * adm_wait_c passes `--wfc-timeout N` (twice connect-int, else 20) instead of the startup options.
   */
  stackedWfcTimeout?: number;
  /** Resource options as written, in drbdadm's order (`drbdsetup new-resource` arguments). */
  optionsRaw: Record<string, string>;
  startup: OptionMap;
  handlers: Record<string, string>;
  settings: ResourceSettings;
}

/**
 * expand_opts() of drbdadm (U9 drbdadm_postparse.c): options of `from` missing in `into` are
 * inserted at the head, one by one, so inherited options end up in reverse order before the
 * target's own. The order is what `drbdadm -d up` prints; the precedence is "target wins".
 */
export function expandOptions(from: readonly ConfigOption[], into: readonly ConfigOption[]): ConfigOption[] {
  const out = [...into];
  for (const o of from) if (!out.some((x) => x.name === o.name)) out.unshift(o);
  return out;
}

const toMap = (list: readonly ConfigOption[]): OptionMap => Object.fromEntries(list.map((o) => [o.name, o.value]));
const toRaw = (list: readonly ConfigOption[]): Record<string, string> =>
  Object.fromEntries(list.map((o) => [o.name, o.raw]));

export function optionDefault(section: OptionSection, name: string): OptionValue | undefined {
  return OPTION_TABLE.find((o) => o.section === section && o.name === name)?.default;
}

function get<T extends OptionValue>(map: OptionMap, section: OptionSection, name: string): T {
  return (map[name] ?? optionDefault(section, name)) as T;
}

export interface NetSettings {
  protocol: "A" | "B" | "C";
  timeoutDs: number;
  connectIntS: number;
  pingIntS: number;
  pingTimeoutDs: number;
  koCount: number;
  maxBuffersPages: number;
  maxEpochSize: number;
  sndbufSizeBytes: number;
  rcvbufSizeBytes: number;
  allowTwoPrimaries: boolean;
  afterSb0pri: string;
  afterSb1pri: string;
  afterSb2pri: string;
  rrConflict: string;
  fencing: string;
  onCongestion: string;
  verifyAlg?: string;
  csumsAlg?: string;
  resyncRateKiB: number;
  cPlanAheadDs: number;
  cDelayTargetDs: number;
  cFillTargetSectors: number;
  cMaxRateKiB: number;
  cMinRateKiB: number;
}

export interface ResourceSettings {
  onIoError: string;
  alExtents: number;
  diskFlushes: boolean;
  mdFlushes: boolean;
  onNoDataAccessible: string;
  autoPromote: boolean;
  quorum: string | number;
  onNoQuorum: string;
  wfcTimeoutS: number;
  degrWfcTimeoutS: number;
  outdatedWfcTimeoutS: number;
}

function netSettings(net: OptionMap, pd: OptionMap): NetSettings {
  const n = <T extends OptionValue>(name: string) => get<T>(net, "net", name);
  const p = <T extends OptionValue>(name: string) => get<T>(pd, "peer-device", name);
  const s: NetSettings = {
    protocol: n<"A" | "B" | "C">("protocol"),
    timeoutDs: n("timeout"),
    connectIntS: n("connect-int"),
    pingIntS: n("ping-int"),
    pingTimeoutDs: n("ping-timeout"),
    koCount: n("ko-count"),
    maxBuffersPages: n("max-buffers"),
    maxEpochSize: n("max-epoch-size"),
    sndbufSizeBytes: n("sndbuf-size"),
    rcvbufSizeBytes: n("rcvbuf-size"),
    allowTwoPrimaries: n("allow-two-primaries"),
    afterSb0pri: n("after-sb-0pri"),
    afterSb1pri: n("after-sb-1pri"),
    afterSb2pri: n("after-sb-2pri"),
    rrConflict: n("rr-conflict"),
    fencing: n("fencing"),
    onCongestion: n("on-congestion"),
    resyncRateKiB: p("resync-rate"),
    cPlanAheadDs: p("c-plan-ahead"),
    cDelayTargetDs: p("c-delay-target"),
    cFillTargetSectors: p("c-fill-target"),
    cMaxRateKiB: p("c-max-rate"),
    cMinRateKiB: p("c-min-rate"),
  };
  if (typeof net["verify-alg"] === "string") s.verifyAlg = net["verify-alg"];
  if (typeof net["csums-alg"] === "string") s.csumsAlg = net["csums-alg"];
  return s;
}

/** The host section drbdadm picks as "me" (set_me_in_resource): by name, or by IP for floating. */
export function findMe(res: Resource, hostname: string, ips: readonly string[] = []): HostSection[] {
  return res.hosts.filter((h) =>
    h.kind === "floating"
      ? !!h.address && (ips.includes(h.address.addr) || h.address.addr === hostname)
      : h.names.some((n) => hostnamesEqual(n, hostname) || n === "_this_host"),
  );
}

export function resolveResource(
  config: DrbdConfig,
  resourceName: string,
  hostname: string,
  opts: { ips?: string[] } = {},
): ResolvedResource | null {
  const res = config.resources.find((r) => r.name === resourceName);
  if (!res) return null;
  const me = findMe(res, hostname, opts.ips)[0];
  if (!me) return null;
  const common = config.common;
  // expand_common(): common into the resource ...
  const netL = expandOptions(common?.net ?? [], res.net);
  const diskL = expandOptions(common?.disk ?? [], res.disk);
  const devL = expandOptions(common?.deviceOptions ?? [], res.deviceOptions);
  const pdL = expandOptions(common?.peerDevice ?? [], res.peerDevice);
  const net = toMap(netL);
  const disk = toMap(diskL);
  const peerDevice = toMap(pdL);
  // ... the resource into each host volume, then the resource-level volume sections
  const myVols = hostVolumes(res, me).map((v) => {
    const resVol = res.volumes.find((x) => x.vnr === v.vnr);
    const own = me.volumes.find((x) => x.vnr === v.vnr);
    let d = expandOptions(devL, own?.deviceOptions ?? []);
    let k = expandOptions(diskL, own?.diskOptions ?? []);
    let p = expandOptions(pdL, own?.peerDeviceOptions ?? []);
    if (resVol) {
      d = expandOptions(resVol.deviceOptions, d);
      k = expandOptions(resVol.diskOptions, k);
      p = expandOptions(resVol.peerDeviceOptions, p);
    }
    return { v, dk: k, dev: d, pd: p };
  });
  if (me.kind === "stacked") {
    // set_stacked_disk_in_res(): a stacked volume's disk is the lower resource's device (the
    // last host section of the lower resource wins), with internal meta-data
    const lower = config.resources.find((r) => r.name === me.lowerResource);
    for (const lh of lower?.hosts.filter((h) => h.kind !== "stacked") ?? []) {
      const lv = hostVolumes(lower as Resource, lh);
      for (const { v } of myVols) {
        const b = lv.find((x) => x.vnr === v.vnr);
        if (!b) continue;
        v.disk = b.device ?? `/dev/drbd${b.minor}`;
        v.metaDisk ??= "internal";
        v.metaIndex ??= "internal";
      }
    }
  }
  const volumes: ResolvedVolume[] = myVols.map(({ v, dk, dev }) => {
    const diskless = v.disk === undefined || v.disk === "none";
    return {
      vnr: v.vnr,
      minor: v.minor,
      device: v.device ?? `/dev/drbd${v.minor}`,
      disk: diskless ? "none" : (v.disk as string),
      metaDisk: diskless ? "" : (v.metaDisk ?? "internal"),
      metaIndex: diskless ? "" : (v.metaIndex ?? "internal"),
      disk_options: toMap(dk),
      diskOptionsRaw: toRaw(dk),
      deviceOptions: toMap(dev),
    };
  });
  const peers: ResolvedPeer[] = [];
  for (const conn of connectionsOf(res).connections) {
    const mine = conn.endpoints.find((e) => e.host === me);
    const other = conn.endpoints.find((e) => e.host !== me);
    if (!mine || !other) continue;
    // a mesh's net section is expanded into each of its connections first
    const cnetL = expandOptions(netL, conn.fromMesh ? expandOptions(conn.net, []) : conn.net);
    const vols = myVols.map(({ v, pd }) => {
      const section = conn.volumes.find((x) => x.vnr === v.vnr);
      let l = expandOptions(conn.peerDevice, section?.options ?? []);
      l = expandOptions(pd, l);
      const raw = toRaw(l);
      // add_no_bitmap_opt(): towards a peer whose volume has no disk, drbdadm appends `bitmap no`
      const theirs = hostVolumes(res, other.host).find((x) => x.vnr === v.vnr);
      // (a stacked section's disk is the lower resource's device: set_stacked_disk_in_res)
      if (other.host.kind !== "stacked" && theirs && (theirs.disk === undefined || theirs.disk === "none"))
        raw.bitmap = "no";
      return { vnr: v.vnr, peerDevice: toMap(l), peerDeviceRaw: raw };
    });
    const peer: ResolvedPeer = {
      name: other.host.names[0] ?? "",
      connName: other.host.kind === "stacked" ? other.host.names.join("_") : (other.host.names[0] ?? ""),
      nodeId: other.host.nodeId ?? -1,
      net: toMap(cnetL),
      netRaw: toRaw(cnetL),
      peerDevice: toMap(expandOptions(pdL, conn.peerDevice)),
      volumes: vols,
      extraPaths: conn.extraPaths.flatMap((eps) => {
        const m = eps.find((e) => e.host === me);
        const o = eps.find((e) => e.host !== me);
        return m && o ? [{ myAddress: m.address, address: o.address }] : [];
      }),
      settings: netSettings(toMap(cnetL), vols[0]?.peerDevice ?? toMap(expandOptions(pdL, conn.peerDevice))),
    };
    if (other.address) {
      peer.address = other.address;
      peer.port = Number(other.address.port);
    }
    if (mine.address) peer.myAddress = mine.address;
    peers.push(peer);
  }
  const resOptionsL = expandOptions(common?.options ?? [], res.options);
  const optionsL = me.options.length ? expandOptions(resOptionsL, me.options) : resOptionsL;
  const options = toMap(optionsL);
  const startup = toMap(expandOptions(common?.startup ?? [], res.startup));
  const handlers: Record<string, string> = {};
  for (const [k, v] of Object.entries(toMap(expandOptions(common?.handlers ?? [], res.handlers))))
    handlers[k] = String(v);
  // the 8.3 name is still accepted (drbd-behavior.md 3.3): it serves as fence-peer
  if (handlers["fence-peer"] === undefined && handlers["outdate-peer"] !== undefined)
    handlers["fence-peer"] = handlers["outdate-peer"];
  const connectInt = netL.find((o) => o.name === "connect-int")?.raw;
  const stackedWfc =
    me.kind === "stacked" && !res.stackedTimeouts && !common?.stackedTimeouts
      ? connectInt !== undefined
        ? (Number.parseInt(connectInt, 10) || 0) * 2
        : 20
      : undefined;
  const out: ResolvedResource = {
    ...(stackedWfc !== undefined ? { stackedWfcTimeout: stackedWfc } : {}),
    name: res.name,
    file: res.file,
    line: res.line,
    me: {
      name: me.names[0] ?? hostname,
      nodeId: me.nodeId ?? -1,
      implicitNodeId: me.implicitNodeId === true,
      ...(me.address ? { address: me.address } : {}),
    },
    volumes,
    peers,
    net,
    disk,
    peerDevice,
    options,
    optionsRaw: toRaw(optionsL),
    startup,
    handlers,
    settings: {
      onIoError: get(disk, "disk", "on-io-error"),
      alExtents: get(disk, "disk", "al-extents"),
      diskFlushes: get(disk, "disk", "disk-flushes"),
      mdFlushes: get(disk, "disk", "md-flushes"),
      onNoDataAccessible: get(options, "options", "on-no-data-accessible"),
      autoPromote: get(options, "options", "auto-promote"),
      quorum: get(options, "options", "quorum"),
      onNoQuorum: get(options, "options", "on-no-quorum"),
      wfcTimeoutS: get(startup, "startup", "wfc-timeout"),
      degrWfcTimeoutS: get(startup, "startup", "degr-wfc-timeout"),
      outdatedWfcTimeoutS: get(startup, "startup", "outdated-wfc-timeout"),
    },
  };
  return out;
}

/**
 * The effective value of an option: connection-level for net/peer-device (first peer, or the
 * named one), else resource-level; the table's default when nobody set it.
 */
export function getOption(
  r: ResolvedResource,
  section: OptionSection,
  name: string,
  peerName?: string,
): OptionValue | undefined {
  const peer = peerName ? r.peers.find((p) => p.name === peerName) : r.peers[0];
  let map: OptionMap;
  switch (section) {
    case "net":
      map = peer?.net ?? r.net;
      break;
    case "peer-device":
      map = peer?.volumes[0]?.peerDevice ?? r.peerDevice;
      break;
    case "disk":
      map = r.volumes[0]?.disk_options ?? r.disk;
      break;
    case "options":
      map = r.options;
      break;
    case "startup":
      map = r.startup;
      break;
    case "handlers":
      return r.handlers[name];
    default:
      map = {};
  }
  return map[name] ?? optionDefault(section, name);
}

/** What the kernel refuses although the parser accepts it. */
export function kernelConfigProblems(
  r: ResolvedResource,
): Array<{ peer: string; code: string; message: string; messageFr: string }> {
  const out: Array<{ peer: string; code: string; message: string; messageFr: string }> = [];
  for (const p of r.peers) {
    // K9 drbd_nl.c check_net_options(): two primaries need protocol C
    if (p.settings.allowTwoPrimaries && p.settings.protocol !== "C")
      out.push({
        peer: p.name,
        code: "two-primaries-protocol",
        message: "Protocol C required",
        messageFr: "allow-two-primaries exige le protocole C : le noyau refuse cette configuration réseau.",
      });
    if (p.settings.onCongestion !== "block" && p.settings.protocol !== "A")
      out.push({
        peer: p.name,
        code: "congestion-protocol",
        message: "on-congestion policy pull-ahead only with prot A allowed",
        messageFr: "on-congestion pull-ahead/disconnect n'est possible qu'avec le protocole A.",
      });
  }
  return out;
}
