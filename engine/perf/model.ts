/**
 * Analytical model of DRBD's write and read paths: where a request spends its time and
 * which resource caps the throughput. Deterministic; the benchmark runner adds the seeded
 * jitter. Units inside: bytes, milliseconds, bytes per millisecond (1 MB/s = 1000 B/ms).
 *
 * A write on the Primary (UG9 "Replication modes", MAN9 `protocol`):
 *   - local branch: DRBD submit → activity-log transaction if the 4 MiB extent is cold
 *     (K9 drbd_al_begin_io) → local disk write;
 *   - replication branch, per peer: sender thread → wire (RTT/2 + transfer) → receiver
 *     thread → barrier handling of the previous epoch (K9 receive_Barrier: wait for the
 *     epoch's writes to drain, then flush when `disk-flushes`) → protocol B sends
 *     P_RECV_ACK right there → peer AL + disk write → ack_sender (K9 e_end_block sends
 *     P_WRITE_ACK) → wire → ack_receiver on the Primary.
 * The request completes when the local branch and every peer's acknowledgement point are
 * done: A = local + data queued in the send buffer, B = + P_RECV_ACK, C = + P_WRITE_ACK.
 * Epochs close when a write of the current epoch completes (K9 drbd_req_complete →
 * start_new_tl_epoch), so a benchmark keeping Q writes in flight makes epochs of Q writes,
 * each costing the peer one drain + flush.
 */
import type { PeerParams, PeerResult, PerfInputs, PerfResult, Workload } from "./types";

const PAGE = 4096;
const AL_EXTENT = 4 * 1024 * 1024;
const MSS = 1448;
/** Payload share of the wire: Ethernet/IP/TCP headers per 1448-byte segment + DRBD's p_data header. */
export const WIRE_EFFICIENCY = 0.94;
/** Linux tail-loss probe timeout floor (ms): a lost segment costs max(2·RTT, this) + RTT. */
const TLP_FLOOR_MS = 10;
/** AL slots updated by one AL transaction (K9 AL_UPDATES_PER_TRANSACTION). */
const AL_UPDATES_PER_TRANSACTION = 64;

/** Variability of each kind of step, as a coefficient of variation (σ / mean). */
const CV = { cpu: 0.5, disk: 0.25, flush: 0.35, wire: 0.05, hop: 0.5 } as const;
type Kind = keyof typeof CV;
interface Step {
  label: string;
  ms: number;
  kind: Kind;
}

const bpms = (mbps: number) => Math.max(mbps, 0.001) * 1000;
const toMBps = (bytesPerMs: number) => bytesPerMs / 1000;

/** Effective TCP buffers: an explicit size is used as is (DRBD sets sk_sndbuf itself, K9
 * drbd_setbufsize, bypassing net.core.wmem_max); 0 lets Linux auto-tune up to tcp_wmem[2]. */
export function tcpWindowBytes(inputs: PerfInputs): { snd: number; rcv: number; window: number } {
  const snd = inputs.drbd.sndbufSize > 0 ? inputs.drbd.sndbufSize : inputs.host.tcpWmemMaxBytes;
  const rcv = inputs.drbd.rcvbufSize > 0 ? inputs.drbd.rcvbufSize : inputs.host.tcpRmemMaxBytes;
  return { snd, rcv, window: Math.min(snd, rcv) };
}

/**
 * Resync bandwidth competing with the application (bytes/ms). The dynamic controller would
 * run at min(c-max-rate, link, disks), but while application I/O is seen it is throttled
 * down to c-min-rate (K84 drbd_rs_c_min_rate_throttle); c-min-rate 0 disables the throttle.
 */
export function resyncBpms(inputs: PerfInputs, peer: PeerParams | undefined): number {
  if (!inputs.resyncActive || !peer) return 0;
  const kib = (n: number) => (n * 1024) / 1000;
  const ceiling = inputs.drbd.cMaxRateKiBps > 0 ? kib(inputs.drbd.cMaxRateKiBps) : Number.POSITIVE_INFINITY;
  const wanted = inputs.drbd.cMinRateKiBps > 0 ? Math.min(kib(inputs.drbd.cMinRateKiBps), ceiling) : ceiling;
  const physical = Math.min(
    bpms(peer.bandwidthMBps) * WIRE_EFFICIENCY,
    bpms(peer.disk.writeMBps),
    bpms(inputs.local.readMBps),
  );
  // The application keeps at least a quarter of every shared resource.
  return Math.min(wanted, physical * 0.75);
}

/** Activity-log transactions per request: a write into a cold extent must first be recorded. */
export function alTransactionsPerRequest(inputs: PerfInputs, w: Workload): number {
  if (w.op !== "write") return 0;
  const wsExtents = Math.max(1, Math.ceil(Math.min(w.workingSetBytes, inputs.deviceBytes) / AL_EXTENT));
  const al = inputs.drbd.alExtents;
  let missesPerRequest: number;
  if (w.pattern === "seq") {
    // An LRU cycled over more extents than it holds misses on every new extent; steady state
    // (the benchmark repeats) keeps a working set that fits entirely hot.
    missesPerRequest = wsExtents > al ? Math.min(1, w.blockBytes / AL_EXTENT) : 0;
  } else {
    missesPerRequest = Math.max(0, 1 - al / wsExtents);
  }
  // Concurrent misses share one transaction (up to 64 slots each).
  const batch = Math.max(1, Math.min(AL_UPDATES_PER_TRANSACTION, w.queueDepth * missesPerRequest));
  return missesPerRequest / batch;
}

function alTransactionMs(inputs: PerfInputs, disk: PerfInputs["local"]): number {
  return disk.writeLatencyMs + (inputs.drbd.mdFlushes ? disk.flushLatencyMs : 0);
}

interface PeerModel {
  result: PeerResult;
  /** Critical path of the peer's acknowledgement (whole request, Primary side included). */
  path: Step[];
  requestMs: number;
  /** Replication-side caps (bytes/ms) with their names. */
  caps: { name: string; bpms: number }[];
  bufferBytes: number;
}

function totalMs(steps: Step[]): number {
  return steps.reduce((s, x) => s + x.ms, 0);
}

/** `prefix`: the Primary's steps before anything is sent (submit, activity-log transaction:
 * K9 drbd_al_begin_io happens before the request is submitted locally or queued for the peers). */
function peerModel(
  inputs: PerfInputs,
  w: Workload,
  peer: PeerParams,
  isResyncPeer: boolean,
  prefix: Step[],
): PeerModel {
  const S = w.blockBytes;
  const Q = Math.max(1, w.queueDepth);
  const hop = inputs.host.threadHopMs;
  const rtt = Math.max(0, peer.rttMs);
  const resync = isResyncPeer ? resyncBpms(inputs, peer) : 0;
  const link = Math.max(bpms(peer.bandwidthMBps) * WIRE_EFFICIENCY - resync, bpms(peer.bandwidthMBps) * 0.05);
  const { snd, rcv, window } = tcpWindowBytes(inputs);
  const windowCap = rtt > 0 ? window / rtt : Number.POSITIVE_INFINITY;
  // Mathis et al.: a loss-limited TCP stream runs at MSS/RTT · 1.22/√p.
  const lossCap = peer.loss > 0 && rtt > 0 ? (MSS / rtt) * (1.22 / Math.sqrt(peer.loss)) : Number.POSITIVE_INFINITY;
  const netCap = Math.min(link, windowCap, lossCap);

  // One request on the wire: serialisation, extra round trips when it exceeds the window,
  // and the expected retransmission delay of its segments.
  const segments = Math.ceil(S / MSS);
  const pLost = peer.loss > 0 ? 1 - (1 - peer.loss) ** segments : 0;
  const retransmitMs = Math.max(2 * rtt, TLP_FLOOR_MS) + rtt;
  const transferMs = S / link + Math.max(0, Math.ceil(S / Math.max(window, 1)) - 1) * rtt;
  const lossMs = pLost * retransmitMs;

  const pd = peer.disk;
  const peerBw = Math.max(bpms(pd.writeMBps) - resync, bpms(pd.writeMBps) * 0.05);
  const stream = Math.min(peerBw, link);
  // DRBD 9 keeps an activity log on secondaries too.
  const peerAlMs = alTransactionsPerRequest(inputs, w) * alTransactionMs(inputs, pd);
  const peerWriteMs = pd.writeLatencyMs + S / peerBw;
  const flushMs = inputs.drbd.diskFlushes ? pd.flushLatencyMs : 0;
  const epoch = Math.max(1, Math.min(Q, inputs.drbd.maxEpochSize));
  // From the first write of an epoch being received to the last one on its disk: the
  // others follow at the stream rate, each then needs its own write.
  const drainSpan = peerAlMs + peerWriteMs + ((epoch - 1) * S) / stream;
  // The receiver is blocked while it drains and flushes: one cycle per epoch, and it cannot
  // be shorter than receiving the epoch's data.
  const peerCap = (epoch * S) / (Math.max(drainSpan, (epoch * S) / stream) + flushMs);
  // Receive buffers (max-buffers pages) are held from receipt until the write completed.
  const pagesPerRequest = Math.ceil(S / PAGE);
  const buffersCap =
    (Math.max(1, Math.floor(inputs.drbd.maxBuffers / pagesPerRequest)) * S) / (peerAlMs + peerWriteMs + hop);

  const wire: Step[] = [
    { label: "thread hand-off: sender", ms: hop, kind: "hop" },
    { label: "network: RTT/2 out", ms: rtt / 2, kind: "wire" },
    { label: "network: transfer", ms: transferMs, kind: "wire" },
  ];
  if (lossMs > 0) wire.push({ label: "network: retransmissions", ms: lossMs, kind: "wire" });
  wire.push({ label: "thread hand-off: peer receiver", ms: hop, kind: "hop" });
  const back: Step[] = [
    { label: "network: RTT/2 back", ms: rtt / 2, kind: "wire" },
    { label: "thread hand-off: ack_receiver", ms: hop, kind: "hop" },
  ];
  let path: Step[];
  if (peer.protocol === "A") {
    path = [...prefix, { label: "thread hand-off: sender (copy to send buffer)", ms: hop, kind: "hop" }];
  } else if (peer.protocol === "B") {
    // The barrier of the previous epoch reaches the peer one ack round trip after the
    // epoch's first receipt; whatever its writes still need is waited for.
    const drainLeft = Math.max(0, drainSpan - (rtt + 3 * hop));
    path = [...prefix, ...wire];
    if (drainLeft > 0) path.push({ label: "peer: drain previous epoch", ms: drainLeft, kind: "disk" });
    if (flushMs > 0) path.push({ label: "peer: barrier flush (disk-flushes)", ms: flushMs, kind: "flush" });
    path.push(...back);
  } else {
    const drainLeft = Math.max(0, ((epoch - 1) * S) / stream - (rtt + 4 * hop));
    path = [...prefix, ...wire];
    if (drainLeft > 0) path.push({ label: "peer: drain previous epoch", ms: drainLeft, kind: "disk" });
    if (flushMs > 0) path.push({ label: "peer: barrier flush (disk-flushes)", ms: flushMs, kind: "flush" });
    if (peerAlMs > 0) path.push({ label: "peer: activity log", ms: peerAlMs, kind: "flush" });
    path.push({ label: "peer: disk write", ms: peerWriteMs, kind: "disk" });
    path.push({ label: "thread hand-off: peer ack_sender", ms: hop, kind: "hop" });
    path.push(...back);
  }
  const caps = [
    { name: `network to ${peer.name}`, bpms: link },
    {
      name: `TCP window to ${peer.name} (${Math.round(window / 1024)} KiB / ${rtt.toFixed(1)} ms RTT)`,
      bpms: windowCap,
    },
    { name: `packet loss to ${peer.name}`, bpms: lossCap },
    { name: `${peer.name}: ${flushMs > 0 ? "disk + barrier flushes" : "disk (epoch drains)"}`, bpms: peerCap },
    { name: `${peer.name}: max-buffers`, bpms: buffersCap },
  ];
  const drain = Math.min(netCap, peerCap, buffersCap);
  return {
    result: {
      name: peer.name,
      protocol: peer.protocol,
      requestMs: totalMs(path),
      drainMBps: toMBps(drain),
      windowBytes: window,
      outOfSyncBytes: 0,
      congestion: "none",
    },
    path,
    requestMs: totalMs(path),
    caps,
    bufferBytes: snd + rcv,
  };
}

/** Bytes moved within `t` ms by a source at `src` draining at `drain` through `buffer`. */
function fluidBytes(t: number, src: number, drain: number, buffer: number): number {
  if (src <= drain) return src * t;
  const tFill = buffer / (src - drain);
  return t <= tFill ? src * t : src * tFill + drain * (t - tFill);
}

function fluidTime(bytes: number, src: number, drain: number, buffer: number): number {
  if (src <= drain) return bytes / src;
  const tFill = buffer / (src - drain);
  return bytes <= src * tFill ? bytes / src : tFill + (bytes - src * tFill) / drain;
}

function p99(steps: Step[], mean: number, unloadedMs: number, tailMs: number): number {
  const variance = steps.reduce((v, s) => v + (CV[s.kind] * s.ms) ** 2, 0);
  // Queueing scales the spread of the unloaded path.
  const scale = unloadedMs > 0 ? mean / unloadedMs : 1;
  return mean + 2.33 * Math.sqrt(variance) * scale + tailMs;
}

function evaluateRead(inputs: PerfInputs, w: Workload): PerfResult {
  // read-balancing prefer-local (default): reads never leave the node, whatever the protocol.
  const S = w.blockBytes;
  const Q = Math.max(1, w.queueDepth);
  const resync = resyncBpms(inputs, inputs.peers[0]);
  const bw = Math.max(bpms(inputs.local.readMBps) - resync, bpms(inputs.local.readMBps) * 0.05);
  const steps: Step[] = [
    { label: "DRBD submit", ms: inputs.host.submitOverheadMs, kind: "cpu" },
    { label: "local disk read", ms: inputs.local.readLatencyMs + S / bw, kind: "disk" },
  ];
  const requestMs = totalMs(steps);
  const rate = Math.min((Q * S) / requestMs, bw);
  const bottleneck = (Q * S) / requestMs <= bw ? `queue depth ${Q} × latency` : "local disk read bandwidth";
  return finish(w, steps, requestMs, rate, rate, 0, bottleneck, [], 0, toMBps(resync));
}

function finish(
  w: Workload,
  steps: Step[],
  requestMs: number,
  src: number,
  drain: number,
  buffer: number,
  bottleneck: string,
  peers: PeerResult[],
  alPerRequest: number,
  resyncMBps: number,
  tailMs = 0,
): PerfResult {
  const byTime = fluidBytes(w.runtimeMs, src, drain, buffer);
  const bytes = Math.min(w.totalBytes, byTime);
  const elapsedMs = bytes >= w.totalBytes ? fluidTime(w.totalBytes, src, drain, buffer) : w.runtimeMs;
  const rate = bytes / elapsedMs;
  const Q = Math.max(1, w.queueDepth);
  const latencyAvgMs = Math.max(requestMs, (Q * w.blockBytes) / rate);
  const iops = (rate * 1000) / w.blockBytes;
  return {
    workload: w,
    throughputMBps: toMBps(rate),
    iops,
    latencyAvgMs,
    latencyP99Ms: p99(steps, latencyAvgMs, requestMs, tailMs),
    elapsedMs,
    bytes,
    path: steps.map(({ label, ms, kind }) => ({ label, ms, cv: CV[kind] })),
    requestMs,
    bottleneck,
    peers,
    alTransactionsPerSec: alPerRequest * iops,
    resyncMBps,
  };
}

/** Evaluate a workload on the modelled Primary. */
export function evaluate(inputs: PerfInputs, w: Workload): PerfResult {
  if (w.op === "read") return evaluateRead(inputs, w);
  const S = w.blockBytes;
  const Q = Math.max(1, w.queueDepth);
  const resyncPeer = inputs.peers[0];
  const resync = resyncBpms(inputs, resyncPeer);
  const localBw = Math.max(bpms(inputs.local.writeMBps) - resync, bpms(inputs.local.writeMBps) * 0.05);
  const alPerRequest = alTransactionsPerRequest(inputs, w);
  const alMs = alPerRequest * alTransactionMs(inputs, inputs.local);
  const submit: Step = { label: "DRBD submit", ms: inputs.host.submitOverheadMs, kind: "cpu" };
  const prefix: Step[] = [submit];
  if (alMs > 0) prefix.push({ label: "activity log transaction", ms: alMs, kind: "flush" });
  const localPath: Step[] = [...prefix];
  localPath.push({ label: "local disk write", ms: inputs.local.writeLatencyMs + S / localBw, kind: "disk" });
  const localMs = totalMs(localPath);
  // AL transactions stall the device's stream of writes.
  const localCap = S / (S / localBw + alMs);

  let critical = localPath;
  let requestMs = localMs;
  type Candidate = { rate: number; drain: number; buffer: number; name: string };
  const steady = (rate: number, name: string): Candidate => ({
    rate,
    drain: Number.POSITIVE_INFINITY,
    buffer: 0,
    name,
  });
  let best = steady(
    Math.min((Q * S) / localMs, localCap),
    (Q * S) / localMs <= localCap ? `queue depth ${Q} × latency` : "local disk bandwidth",
  );
  const consider = (c: Candidate) => {
    if (effectiveRate(w, c) < effectiveRate(w, best)) best = c;
  };
  const peers: PeerResult[] = [];
  let tailMs = 0;
  for (const peer of inputs.peers) {
    const m = peerModel(inputs, w, peer, peer === resyncPeer, prefix);
    if (m.requestMs > requestMs) {
      requestMs = m.requestMs;
      critical = m.path;
    }
    const reqMs = Math.max(localMs, m.requestMs);
    const latencyBound = (Q * S) / reqMs;
    const drainCap = m.caps.reduce((a, c) => (c.bpms < a.bpms ? c : a));
    const src = Math.min(latencyBound, localCap);
    const srcName = latencyBound <= localCap ? `queue depth ${Q} × latency` : "local disk bandwidth";
    if (peer.protocol !== "A") {
      // B and C cannot run ahead of the peer: its pace is part of every request.
      const c = drainCap.bpms < src ? steady(drainCap.bpms, drainCap.name) : steady(src, srcName);
      consider(c);
      m.result.drainMBps = toMBps(c.rate);
    } else if (src > drainCap.bpms) {
      // A runs ahead while the send/receive buffers absorb the difference; then on-congestion
      // decides (MAN9 on-congestion; pull-ahead/disconnect only with protocol A).
      const drain = drainCap.bpms;
      const policy = inputs.drbd.onCongestion;
      const tFill = m.bufferBytes / (src - drain);
      const runMs = Math.min(w.runtimeMs, w.totalBytes / src);
      if (policy === "block") {
        m.result.congestion = runMs > tFill ? "blocked" : "none";
        consider({ rate: src, drain, buffer: m.bufferBytes, name: runMs > tFill ? drainCap.name : srcName });
      } else {
        if (runMs > tFill) {
          m.result.congestion = policy === "pull-ahead" ? "ahead" : "disconnected";
          const behind = policy === "pull-ahead" ? (src - drain) * (runMs - tFill) : src * (runMs - tFill);
          m.result.outOfSyncBytes = Math.min(behind, w.workingSetBytes);
        }
        consider(steady(src, srcName));
      }
    } else {
      consider(steady(src, srcName));
    }
    const segments = Math.ceil(S / MSS);
    const pLost = peer.loss > 0 ? 1 - (1 - peer.loss) ** segments : 0;
    if (pLost > 0.01 && peer.protocol !== "A")
      tailMs = Math.max(tailMs, Math.max(2 * peer.rttMs, TLP_FLOOR_MS) + peer.rttMs);
    peers.push(m.result);
  }
  return finish(
    w,
    critical,
    requestMs,
    best.rate,
    best.drain,
    best.buffer,
    best.name,
    peers,
    alPerRequest,
    toMBps(resync),
    tailMs,
  );
}

function effectiveRate(w: Workload, f: { rate: number; drain: number; buffer: number }): number {
  const bytes = Math.min(w.totalBytes, fluidBytes(w.runtimeMs, f.rate, f.drain, f.buffer));
  const t = bytes >= w.totalBytes ? fluidTime(w.totalBytes, f.rate, f.drain, f.buffer) : w.runtimeMs;
  return bytes / t;
}
