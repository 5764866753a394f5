/**
 * A disk as a request queue (blk-mq with a deep hardware queue): transfers go one after the
 * other at the disk's bandwidth while the per-command latency overlaps, since an SSD keeps many
 * commands in flight. One request on an idle disk costs latency + bytes / bandwidth; N
 * independent requests submitted together cost about latency + N × bytes / bandwidth, not N
 * times that. A flush is a barrier: it completes after everything queued before it.
 */
export class DiskQueue {
  /** When the disk finishes transferring what is queued so far (virtual µs). */
  private txFree = 0;
  /** When the last queued request (or flush) completes. */
  private lastDone = 0;

  /** Completion time of a request submitted at `atUs` that transfers for `transferUs`. */
  transfer(atUs: number, transferUs: number, latencyUs: number): number {
    const start = Math.max(atUs, this.txFree);
    this.txFree = start + transferUs;
    const done = this.txFree + latencyUs;
    this.lastDone = Math.max(this.lastDone, done);
    return done;
  }

  /** Completion time of a flush submitted at `atUs`: `latencyUs` after every earlier request. */
  barrier(atUs: number, latencyUs: number): number {
    const done = Math.max(atUs, this.lastDone) + latencyUs;
    this.lastDone = done;
    return done;
  }

  /** When everything queued so far is complete. */
  idleAt(): number {
    return this.lastDone;
  }
}
