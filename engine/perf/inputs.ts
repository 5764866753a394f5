/**
 * Default parameters of the workshop's lab and the mapping from DRBD options / network paths
 * to the model's plain inputs. Every default is documented with why it has that value.
 */
import type {
  DiskParams,
  DrbdTuning,
  HostParams,
  OnCongestion,
  PeerParams,
  PerfInputs,
  Protocol,
  Workload,
} from "./types";

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

/**
 * The lab's disks: Docker volumes on a laptop NVMe SSD without power-loss protection. A
 * 4 KiB direct write costs ~0.5 ms through the container's storage stack (loop device, host
 * filesystem); a cache flush costs ~1 ms (the drive must persist its cache: consumer SSDs
 * take 0.5–3 ms); sequential bandwidth 700 MB/s write, 1.5 GB/s read.
 */
export const LAB_DISK: DiskParams = {
  writeLatencyMs: 0.5,
  flushLatencyMs: 1.0,
  writeMBps: 700,
  readLatencyMs: 0.2,
  readMBps: 1500,
};

/**
 * The lab's host: containers share a laptop VM's two vCPUs, so handing a request from one
 * DRBD kernel thread to the next (wake-up + scheduling) costs ~0.5 ms — on bare metal it is
 * ~0.01–0.05 ms. TCP sysctls are Linux's defaults: tcp_wmem[2] = 4 MiB, tcp_rmem[2] = 6 MiB.
 */
export const LAB_HOST: HostParams = {
  threadHopMs: 0.5,
  submitOverheadMs: 0.05,
  tcpWmemMaxBytes: 4 * MIB,
  tcpRmemMaxBytes: 6 * MIB,
};

/** Docker bridge between two containers of one host: ~0.1 ms RTT, 10 Gbit/s. */
export const LAB_LINK = { rttMs: 0.1, bandwidthMBps: 1250, loss: 0 } as const;

/** DRBD 9 defaults (drbd_limits.h; reference §3.3). */
export const DRBD_DEFAULTS: DrbdTuning = {
  maxBuffers: 2048,
  maxEpochSize: 2048,
  sndbufSize: 0,
  rcvbufSize: 0,
  alExtents: 1237,
  diskFlushes: true,
  mdFlushes: true,
  onCongestion: "block",
  cMaxRateKiBps: 102400,
  cMinRateKiBps: 250,
};

/**
 * Workshop annex B's global_common.conf (what the lab nodes ship in /etc/drbd.d): no DRBD
 * flushes, bigger buffers and epochs, fixed 512 KiB socket buffers.
 */
export const ANNEX_B_TUNING: Partial<DrbdTuning> = {
  maxBuffers: 8000,
  maxEpochSize: 8000,
  sndbufSize: 512 * KIB,
  rcvbufSize: 512 * KIB,
  diskFlushes: false,
  mdFlushes: false,
};

/** Workshop annex C "Performance Tuning": net and disk sections. */
export const ANNEX_C_TUNING: Partial<DrbdTuning> = {
  maxBuffers: 36 * 1024,
  sndbufSize: 1024 * KIB,
  rcvbufSize: 2048 * KIB,
  alExtents: 3389,
  cMaxRateKiBps: 720 * 1024,
};

/** Workshop annex C sysctls: tcp_wmem/tcp_rmem ceilings raised to 16 MiB. */
export const ANNEX_C_SYSCTL: Partial<HostParams> = {
  tcpWmemMaxBytes: 16 * MIB,
  tcpRmemMaxBytes: 16 * MIB,
};

/** `simulate-failure.sh slow-disk`: the device behaves like a failing/saturated disk. */
export function slowDisk(d: DiskParams): DiskParams {
  return {
    writeLatencyMs: d.writeLatencyMs + 20,
    flushLatencyMs: d.flushLatencyMs + 40,
    writeMBps: d.writeMBps / 10,
    readLatencyMs: d.readLatencyMs + 20,
    readMBps: d.readMBps / 10,
  };
}

/** The engine's resolved net settings of one connection (same field names, DRBD units). */
export interface NetSettingsLike {
  protocol: Protocol;
  maxBuffersPages: number;
  maxEpochSize: number;
  sndbufSizeBytes: number;
  rcvbufSizeBytes: number;
  onCongestion: string;
  cMaxRateKiB: number;
  cMinRateKiB: number;
}

/** The engine's resolved resource settings (disk section). */
export interface ResourceSettingsLike {
  alExtents: number;
  diskFlushes: boolean;
  mdFlushes: boolean;
}

/** DRBD options → model tuning, from the config resolver's settings (structurally typed). */
export function tuningFromSettings(net: NetSettingsLike, res: ResourceSettingsLike): DrbdTuning {
  const onCongestion: OnCongestion =
    net.onCongestion === "pull-ahead" || net.onCongestion === "disconnect" ? net.onCongestion : "block";
  return {
    maxBuffers: net.maxBuffersPages,
    maxEpochSize: net.maxEpochSize,
    sndbufSize: net.sndbufSizeBytes,
    rcvbufSize: net.rcvbufSizeBytes,
    alExtents: res.alExtents,
    diskFlushes: res.diskFlushes,
    mdFlushes: res.mdFlushes,
    // MAN9: pull-ahead is only valid with protocol A; the kernel refuses it otherwise.
    onCongestion: onCongestion === "pull-ahead" && net.protocol !== "A" ? "block" : onCongestion,
    cMaxRateKiBps: net.cMaxRateKiB,
    cMinRateKiBps: net.cMinRateKiB,
  };
}

/**
 * What the engine knows, as plain numbers: the resolved DRBD options of the resource (already
 * converted to DRBD's units: pages, bytes, KiB/s), each connection's path and disks.
 */
export interface PerfSource {
  /** Resolved options; missing ones take DRBD's defaults. */
  options?: Partial<DrbdTuning>;
  local?: DiskParams;
  peers: {
    name: string;
    protocol: Protocol;
    /** One-way latency of the path in ms (e.g. topology latencyUs / 1000 + netem delay). */
    oneWayMs?: number;
    /** Extra delay added on the path (netem on one end adds it to the RTT once). */
    netemDelayMs?: number;
    bandwidthMBps?: number;
    loss?: number;
    disk?: DiskParams;
  }[];
  host?: Partial<HostParams>;
  resyncActive?: boolean;
  deviceBytes?: number;
}

export function buildPerfInputs(src: PerfSource): PerfInputs {
  return {
    local: src.local ?? LAB_DISK,
    peers: src.peers.map(
      (p): PeerParams => ({
        name: p.name,
        protocol: p.protocol,
        rttMs: 2 * (p.oneWayMs ?? LAB_LINK.rttMs / 2) + (p.netemDelayMs ?? 0),
        bandwidthMBps: p.bandwidthMBps ?? LAB_LINK.bandwidthMBps,
        loss: p.loss ?? LAB_LINK.loss,
        disk: p.disk ?? LAB_DISK,
      }),
    ),
    drbd: { ...DRBD_DEFAULTS, ...src.options },
    host: { ...LAB_HOST, ...src.host },
    resyncActive: src.resyncActive ?? false,
    deviceBytes: src.deviceBytes ?? GIB,
  };
}

/** The TP2 two-node lab: node1 Primary replicating to node2. */
export function labInputs(
  protocol: Protocol,
  opts: {
    netemDelayMs?: number;
    options?: Partial<DrbdTuning>;
    host?: Partial<HostParams>;
    onCongestion?: OnCongestion;
  } = {},
): PerfInputs {
  const options = { ...opts.options, ...(opts.onCongestion ? { onCongestion: opts.onCongestion } : {}) };
  return buildPerfInputs({
    options,
    host: opts.host,
    peers: [{ name: "node2", protocol, netemDelayMs: opts.netemDelayMs ?? 0 }],
  });
}

/**
 * `benchmark.sh write`, bandwidth phase: `dd if=/dev/zero of=<file> bs=1M count=256
 * oflag=direct` — 256 MiB of sequential 1 MiB writes, one at a time (dd has no queue), so
 * each protocol's acknowledgement point shows in the throughput. Capped at 120 s.
 */
export function seqWriteWorkload(deviceBytes = GIB): Workload {
  const total = Math.min(256 * MIB, deviceBytes);
  return {
    op: "write",
    pattern: "seq",
    blockBytes: MIB,
    queueDepth: 1,
    totalBytes: total,
    runtimeMs: 120_000,
    workingSetBytes: deviceBytes,
  };
}

/**
 * Latency phase (`benchmark.sh latency`): 1000 random 4 KiB direct writes, one at a time
 * (ioping/fio `--rw=randwrite --bs=4k --iodepth=1 --direct=1 --number_ios=1000`), at most 60 s.
 */
export function latencyWorkload(deviceBytes = GIB, count = 1000): Workload {
  return {
    op: "write",
    pattern: "rand",
    blockBytes: 4 * KIB,
    queueDepth: 1,
    totalBytes: count * 4 * KIB,
    runtimeMs: 60_000,
    workingSetBytes: deviceBytes,
  };
}

/** `benchmark.sh read`: 256 MiB of sequential 1 MiB direct reads (dd iflag=direct). */
export function seqReadWorkload(deviceBytes = GIB): Workload {
  const total = Math.min(256 * MIB, deviceBytes);
  return {
    op: "read",
    pattern: "seq",
    blockBytes: MIB,
    queueDepth: 1,
    totalBytes: total,
    runtimeMs: 120_000,
    workingSetBytes: deviceBytes,
  };
}
