/**
 * Literal data shared by content across a lab's disks and its restored copy (engine/block/intern.ts):
 * DRBD hands the peer the bytes node1 wrote and both disks hold one buffer; a lab restored from
 * a checkpoint holds the buffers of the lab it came from (same process), not copies.
 */
import { describe, expect, it } from "vitest";
import { heldBytes } from "../block/intern";
import { SparseDisk } from "../block/sparse-disk";
import { restoreCheckpoint, saveCheckpoint } from "../checkpoint";
import { createLab, type Lab } from "../lab";

function disks(l: Lab): SparseDisk[] {
  const out: SparseDisk[] = [];
  for (const node of l.world.nodes.values())
    for (const dev of node.blockDevices.values()) if (dev instanceof SparseDisk) out.push(dev);
  return out;
}

const logical = (ds: SparseDisk[]) => ds.reduce((n, d) => n + d.literalBytes(), 0);

describe("disks sharing literal data", () => {
  it("node1 and node2 hold one copy of replicated data, and a restored lab shares it", async () => {
    const l = await createLab({ scenario: "running", seed: 5 });
    for (const n of ["node1", "node2"])
      expect((await l.exec(n, "drbdadm create-md r0 && drbdadm up r0")).exitCode).toBe(0);
    expect((await l.exec("node1", "drbdadm primary --force r0")).exitCode).toBe(0);
    await l.advance(60_000);
    const w = await l.exec(
      "node1",
      "mkfs.ext4 -q /dev/drbd0 && mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd && seq 1 50000 > /mnt/drbd/numbers && sync",
    );
    expect(w.exitCode).toBe(0);
    const ds = disks(l);
    // the file (289 kB, more than SHARE_AFTER_BYTES: shared on its own) and the filesystem's metadata are on both nodes' backing disks
    expect(ds.filter((d) => d.literalBytes() > 280_000).length).toBe(2);
    const both = heldBytes(ds).bytes;
    // each disk counts its own bytes for the data cap, memory holds them once
    expect(logical(ds)).toBeGreaterThan(560_000);
    expect(both).toBeLessThan(logical(ds) * 0.6);

    const { lab: restored } = await restoreCheckpoint(saveCheckpoint(l));
    const rs = disks(restored);
    expect(logical(rs)).toBe(logical(ds));
    // the restored lab adds (almost) nothing: buffers under the sharing threshold are its own
    expect(heldBytes([...ds, ...rs]).bytes - both).toBeLessThan(64 * 1024);
    expect((await restored.exec("node1", "tail -n 1 /mnt/drbd/numbers")).stdout).toBe("50000\n");
  }, 120_000);
});
