/**
 * The cap on a lab's literal data: bytes held in memory by the files of the machines' root
 * filesystems and by the block devices' literal extents (zero runs and seeded PRNG streams
 * cost nothing and are not counted). Writes that would go past it fail with ENOSPC, as on a
 * full disk, so one lab cannot take the server's memory; what the lab does stays
 * deterministic because the measure is the lab's own data, never the process's memory.
 *
 * The writer checks its new bytes against `room()` before storing them. A write DRBD then
 * replicates to the peers' disks is counted once it is stored there, so the usage may pass
 * the cap by at most one write's copies; the next write is refused.
 */

/** Default cap per lab: 256 MiB of literal data. */
export const LAB_DATA_CAP_BYTES = 256 * 1024 * 1024;

export class DataQuota {
  constructor(
    readonly capBytes: number,
    private readonly measure: () => number,
  ) {
    if (!Number.isSafeInteger(capBytes) || capBytes < 0) throw new RangeError(`invalid data cap: ${capBytes}`);
  }

  /** Literal bytes the lab holds now. */
  used(): number {
    return this.measure();
  }

  /** Bytes a write may still add. */
  room(): number {
    return Math.max(0, this.capBytes - this.measure());
  }

  /** May a write add `bytes` new literal bytes? (A write that adds nothing always may.) */
  fits(bytes: number): boolean {
    return bytes <= 0 || bytes <= this.room();
  }
}

/** UTF-8 length of a string without encoding it (what a text file takes on disk). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
