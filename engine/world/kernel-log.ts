/**
 * A node's kernel ring buffer. Entries carry the virtual time at which they were logged; the
 * `dmesg` command turns that into seconds since the node booted.
 */
import type { Clock } from "../core/clock";
import type { KernelLog } from "./types";

/** The real ring buffer is bounded (CONFIG_LOG_BUF_SHIFT); keep the newest lines. */
const MAX_ENTRIES = 5000;
/**
 * printk stamps each line with local_clock() when it is stored: the lines of one burst (a state
 * change and its cluster-wide commit) are microseconds apart, never the same instant. A line is
 * stamped at least this long after the previous one (the stamp may run a few µs ahead of the
 * clock during a burst; the clock itself is not moved by logging).
 */
const PRINTK_GAP_US = 7;

export class RingKernelLog implements KernelLog {
  private lines: { timeUs: number; text: string }[] = [];

  constructor(private readonly clock: Clock) {}

  append(text: string): void {
    for (const line of text.split("\n")) {
      if (line === "") continue;
      const last = this.lines[this.lines.length - 1];
      const timeUs =
        last && last.timeUs + PRINTK_GAP_US > this.clock.now ? last.timeUs + PRINTK_GAP_US : this.clock.now;
      this.lines.push({ timeUs, text: line });
    }
    if (this.lines.length > MAX_ENTRIES) this.lines.splice(0, this.lines.length - MAX_ENTRIES);
  }

  entries(): readonly { timeUs: number; text: string }[] {
    return this.lines;
  }

  clear(): void {
    this.lines = [];
  }
}
