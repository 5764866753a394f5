/**
 * The data socket of one connection as a single TCP stream with a bounded send buffer
 * (MAN9 `sndbuf-size`; K9 drbd_transport_tcp.c dtt_setbufsize sets sk_sndbuf, 0 = Linux
 * auto-tuning up to tcp_wmem[2]). Bytes are put on the wire one after the other at the link's
 * bandwidth and stay in the buffer until the peer's TCP acknowledges them (arrival + one-way
 * latency). With protocol A a write completes once it is in the buffer (reference §4), so a
 * full buffer holds the writer back until enough older data is acknowledged: a long `dd` over
 * a slow WAN runs at the link's speed, and a Primary crash loses at most the buffered tail.
 */
import { sideTable } from "../core/side-tables";
import { LAB_HOST } from "../perf/inputs";
import type { Connection } from "./objects";

/** Linux's tcp_wmem[2] (the perf model's ceiling): what sndbuf-size 0 auto-tunes up to. */
export const AUTO_SNDBUF_BYTES = LAB_HOST.tcpWmemMaxBytes;

interface Segment {
  bytes: number;
  /** When the peer's TCP acknowledges it (leaves the send buffer), virtual µs. */
  ackAt: number;
}

interface Stream {
  /** When the link finishes transmitting everything queued so far. */
  txFree: number;
  /** Buffered segments, oldest first (acknowledged in order). */
  queue: Segment[];
}

const streams = sideTable<Connection, Stream>("drbd.sendbuf");

function stream(c: Connection): Stream {
  let s = streams.get(c);
  if (!s) {
    s = { txFree: 0, queue: [] };
    streams.set(c, s);
  }
  return s;
}

export function sndbufBytes(c: Connection): number {
  return c.net.sndbufBytes > 0 ? c.net.sndbufBytes : AUTO_SNDBUF_BYTES;
}

/** A new connection starts with an empty socket. */
export function resetStream(c: Connection): void {
  streams.delete(c);
}

export interface Send {
  /** µs from now until the write's last byte reaches the peer. */
  arriveUs: number;
  /** µs from now until the write is entirely in the send buffer (protocol A completion). */
  bufferedUs: number;
}

/**
 * Queue `len` bytes at `now` on a link of `bandwidthBps` and one-way `latencyUs`.
 */
export function send(c: Connection, now: number, len: number, bandwidthBps: number, latencyUs: number): Send {
  const s = stream(c);
  while (s.queue.length && (s.queue[0] as Segment).ackAt <= now) s.queue.shift();
  const bps = Math.max(1, bandwidthBps);
  const txStart = Math.max(now, s.txFree);
  const txEnd = txStart + Math.ceil((len / bps) * 1e6);
  s.txFree = txEnd;
  const arrive = txEnd + latencyUs;
  // room needed: the buffered bytes plus this write, minus the buffer size, must be acknowledged first
  const occupied = s.queue.reduce((n, q) => n + q.bytes, 0);
  let need = occupied + len - sndbufBytes(c);
  let fits = now;
  for (const q of s.queue) {
    if (need <= 0) break;
    need -= q.bytes;
    fits = q.ackAt;
  }
  // a write larger than the buffer: its own first bytes must be acknowledged too
  if (need > 0) fits = txStart + Math.ceil((need / bps) * 1e6) + 2 * latencyUs;
  s.queue.push({ bytes: len, ackAt: arrive + latencyUs });
  return { arriveUs: arrive - now, bufferedUs: Math.max(0, fits - now) };
}
