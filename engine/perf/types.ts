/**
 * Plain-data inputs of the DRBD performance model. Nothing here depends on the engine's
 * objects: the engine maps its resolved config, network path and disks onto these numbers
 * (see `buildPerfInputs` in inputs.ts). Units are in the field names.
 */
export type Protocol = "A" | "B" | "C";
export type OnCongestion = "block" | "pull-ahead" | "disconnect";

/** A backing block device (the node's `disk`, e.g. /dev/sda1). */
export interface DiskParams {
  /** Service latency of one small write, write cache on, no flush (ms). */
  writeLatencyMs: number;
  /** Latency of a cache flush (REQ_PREFLUSH) on this device (ms). */
  flushLatencyMs: number;
  /** Sequential write bandwidth (MB/s, 10^6 bytes). */
  writeMBps: number;
  /** Service latency of one small read (ms). */
  readLatencyMs: number;
  /** Sequential read bandwidth (MB/s). */
  readMBps: number;
}

/** One replication peer as seen from the Primary: DRBD 9 connection + its path + its disk. */
export interface PeerParams {
  name: string;
  /** `net { protocol }` of this connection (DRBD 9: per connection). */
  protocol: Protocol;
  /** Round-trip time of the path (ms): twice the one-way latency, plus netem delay. */
  rttMs: number;
  /** Link bandwidth (MB/s). */
  bandwidthMBps: number;
  /** Packet loss probability in [0, 1). */
  loss: number;
  /** The peer's backing disk. */
  disk: DiskParams;
}

/** The DRBD options that move performance, in DRBD's own units (drbd_limits.h). */
export interface DrbdTuning {
  /** net max-buffers: receive buffers on the peer, in 4 KiB pages (default 2048). */
  maxBuffers: number;
  /** net max-epoch-size: writes between two barriers (default 2048). */
  maxEpochSize: number;
  /** net sndbuf-size in bytes, 0 = kernel auto-tuning (default 0). */
  sndbufSize: number;
  /** net rcvbuf-size in bytes, 0 = kernel auto-tuning (default 0). */
  rcvbufSize: number;
  /** disk al-extents: hot 4 MiB extents of the activity log (default 1237). */
  alExtents: number;
  /** disk disk-flushes (default yes): the peer flushes at every epoch boundary. */
  diskFlushes: boolean;
  /** disk md-flushes (default yes): every activity-log transaction is flushed. */
  mdFlushes: boolean;
  /** net on-congestion (default block; pull-ahead only with protocol A). */
  onCongestion: OnCongestion;
  /** disk c-max-rate in KiB/s (default 102400). */
  cMaxRateKiBps: number;
  /** disk c-min-rate in KiB/s (default 250; 0 disables the throttle). */
  cMinRateKiBps: number;
}

/** The machine around DRBD: CPU scheduling and the TCP stack's sysctls. */
export interface HostParams {
  /**
   * Latency of one hand-off between DRBD kernel threads (sender, receiver, ack_sender,
   * ack_receiver), i.e. a wake-up + scheduling delay (ms).
   */
  threadHopMs: number;
  /** CPU time of DRBD's request submission on the Primary (ms). */
  submitOverheadMs: number;
  /** net.ipv4.tcp_wmem[2]: ceiling of send-buffer auto-tuning (bytes). */
  tcpWmemMaxBytes: number;
  /** net.ipv4.tcp_rmem[2]: ceiling of receive-buffer auto-tuning (bytes). */
  tcpRmemMaxBytes: number;
}

export interface PerfInputs {
  local: DiskParams;
  peers: PeerParams[];
  drbd: DrbdTuning;
  host: HostParams;
  /** A resync is running towards (one of) the peers while the benchmark runs. */
  resyncActive: boolean;
  /** Size of the DRBD device (bytes): bounds the working set. */
  deviceBytes: number;
}

export interface Workload {
  op: "write" | "read";
  pattern: "seq" | "rand";
  /** Size of one I/O (bytes). */
  blockBytes: number;
  /** Outstanding I/Os kept in flight by the benchmark (fio iodepth; dd = 1). */
  queueDepth: number;
  /** Bytes the benchmark wants to move. */
  totalBytes: number;
  /** Time limit (ms): the run stops at whichever comes first (fio --runtime). */
  runtimeMs: number;
  /** Range of the device the I/Os land in (bytes); random I/O spreads over it. */
  workingSetBytes: number;
}

/** One named slice of a request's critical path. */
export interface PathStep {
  label: string;
  ms: number;
  /** Its variability (coefficient of variation), used for percentiles and jitter. */
  cv: number;
}

export interface PeerResult {
  name: string;
  protocol: Protocol;
  /** Unloaded time until this peer's acknowledgement condition is met (ms). */
  requestMs: number;
  /** Sustainable replication rate towards this peer (MB/s). */
  drainMBps: number;
  /** TCP window (bytes) = min(send buffer, receive buffer) actually in use. */
  windowBytes: number;
  /** Data still out of sync at the end (Ahead/pull-ahead or disconnect), bytes. */
  outOfSyncBytes: number;
  /** What happened when the buffers filled (protocol A only). */
  congestion: "none" | "blocked" | "ahead" | "disconnected";
}

export interface PerfResult {
  workload: Workload;
  /** Achieved throughput (MB/s). */
  throughputMBps: number;
  iops: number;
  /** Mean completion latency seen by the benchmark, queueing included (ms). */
  latencyAvgMs: number;
  /** 99th percentile latency (ms). */
  latencyP99Ms: number;
  /** Virtual time the run takes (ms) and bytes it moves. */
  elapsedMs: number;
  bytes: number;
  /** Critical path of one unloaded request, longest branch (sums to `requestMs`). */
  path: PathStep[];
  requestMs: number;
  /** Name of the resource that caps the throughput. */
  bottleneck: string;
  peers: PeerResult[];
  /** Activity-log transactions per second on the Primary. */
  alTransactionsPerSec: number;
  /** Resync bandwidth competing with the benchmark (MB/s), 0 when no resync runs. */
  resyncMBps: number;
}
