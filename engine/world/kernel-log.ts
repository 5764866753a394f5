/**
 * A node's kernel ring buffer. Entries carry the virtual time at which they were logged; the
 * `dmesg` command turns that into seconds since the node booted.
 */
import type { Clock } from "../core/clock";
import type { KernelLog } from "./types";

/** The real ring buffer is bounded (CONFIG_LOG_BUF_SHIFT); keep the newest lines. */
const MAX_ENTRIES = 5000;

export class RingKernelLog implements KernelLog {
  private lines: { timeUs: number; text: string }[] = [];

  constructor(private readonly clock: Clock) {}

  append(text: string): void {
    for (const line of text.split("\n")) {
      if (line === "") continue;
      this.lines.push({ timeUs: this.clock.now, text: line });
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
