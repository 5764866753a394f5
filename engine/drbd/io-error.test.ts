import { describe, expect, it } from "vitest";
import { sameContent } from "../block/digest";
import { materialize } from "../block/payload";
import type { SparseDisk } from "../block/sparse-disk";
import type { IoResult } from "../block/types";
import { type Kit, makeKit, syncedPair, text } from "./testkit";

/** A synced pair with on-io-error `policy`; node1 Primary with /dev/drbd0 open. */
async function pair(policy: string, handler = ""): Promise<Kit> {
  const kit = await makeKit();
  for (const n of ["node1", "node2"]) {
    await kit.sh(n, `sed -i 's/on-io-error detach;/on-io-error ${policy};/' /etc/drbd.d/global_common.conf`);
    if (handler)
      await kit.sh(
        n,
        `sed -i 's|local-io-error "/usr/lib/drbd/notify-io-error.sh";|local-io-error "${handler}";|' /etc/drbd.d/global_common.conf`,
      );
  }
  await syncedPair(kit);
  kit.drbd0("node1").open("rw", "test");
  return kit;
}

function failDisk(kit: Kit, node: string, fault: "eio" | null): void {
  (kit.node(node).blockDevices.get("/dev/sda1") as SparseDisk).setFault(fault ? { kind: fault } : null);
}

const ok = (r: IoResult) => r.ok;

describe("on-io-error: what DRBD does when its backing disk fails", () => {
  it("detach: Failed then Diskless, the Primary goes on through its UpToDate peer", async () => {
    const kit = await pair("detach");
    const d = kit.drbd0("node1");
    failDisk(kit, "node1", "eio");
    expect(ok(d.write(4096, text("ecrit apres la panne")))).toBe(true);
    const log = kit.dmesg("node1");
    // the first write to a cold extent needs an activity-log transaction: that meta-data write fails first
    expect(log).toMatch(/I\/O error, dev sda1, sector \d+ op 0x1:\(WRITE\)/);
    expect(log).toMatch(/drbd r0\/0 drbd0: drbd_md_sync_page_io\(,\d+s,WRITE\) failed with error -5/);
    expect(log).toContain("drbd r0/0 drbd0: disk( UpToDate -> Failed ) [local-io-error]");
    expect(log).toContain("drbd r0/0 drbd0: Local IO failed in __al_write_transaction. Detaching...");
    expect(log).toContain("drbd r0/0 drbd0: disk( Failed -> Diskless ) [go-diskless]");
    expect(log).not.toContain("helper command: /sbin/drbdadm local-io-error");
    expect(kit.dmesg("node2")).toContain("drbd r0/0 drbd0 node1: pdsk( Failed -> Diskless )");
    expect((await kit.sh("node1", "drbdadm status r0")).out).toBe(
      "r0 role:Primary\n  disk:Diskless client:no\n  node2 role:Secondary\n    peer-disk:UpToDate\n\n",
    );
    expect((await kit.sh("node2", "drbdadm status r0")).out).toContain("peer-disk:Diskless");
    // reads come from the peer
    await kit.sh("node1", "sleep 1");
    const r = d.read(4096, 20);
    expect(r.ok && new TextDecoder().decode(materialize(r.value))).toBe("ecrit apres la panne");
    expect(ok(d.write(8192, text("encore")))).toBe(true);
    await kit.sh("node1", "sleep 1");
    // repaired disk: attach resyncs what was written meanwhile (bitmap-based), then identical data
    d.close("test");
    failDisk(kit, "node1", null);
    expect((await kit.sh("node1", "drbdadm attach r0")).code).toBe(0);
    await kit.sh("node1", "sleep 5");
    expect(kit.dmesg("node1")).toMatch(/Began resync as SyncTarget \(will sync \d+ KB \[[1-9]\d* bits set\]\)/);
    expect((await kit.sh("node1", "drbdadm dstate r0")).out).toBe("UpToDate/UpToDate\n");
    const a = kit.node("node1").blockDevices.get("/dev/sda1");
    const b = kit.node("node2").blockDevices.get("/dev/sda1");
    expect(a && b && sameContent(a, 0, b, 0, 64 * 1024)).toBe(true);
  });

  it("detach without a peer to write to: the request fails (EIO) and the data is no longer accessible", async () => {
    const kit = await pair("detach");
    await kit.sh("node1", "drbdadm disconnect r0");
    failDisk(kit, "node1", "eio");
    expect(ok(kit.drbd0("node1").write(0, text("x")))).toBe(false);
    expect((await kit.sh("node1", "drbdadm dstate r0")).out).toBe("Diskless/DUnknown\n");
  });

  it("call-local-io-error: detaches and runs the local-io-error handler", async () => {
    const kit = await pair("call-local-io-error", "echo $DRBD_RESOURCE $DRBD_MINOR > /root/io-error.txt");
    failDisk(kit, "node1", "eio");
    expect(ok(kit.drbd0("node1").write(0, text("x")))).toBe(true);
    await kit.sh("node1", "sleep 1");
    const log = kit.dmesg("node1");
    expect(log).toContain("drbd r0/0 drbd0: helper command: /sbin/drbdadm local-io-error");
    expect(log).toContain("drbd r0/0 drbd0: helper command: /sbin/drbdadm local-io-error exit code 0");
    expect(log).toContain("disk( Failed -> Diskless ) [go-diskless]");
    expect((await kit.sh("node1", "cat /root/io-error.txt")).out).toBe("r0 0\n");
  });

  it("pass_on: the disk stays attached but Inconsistent, I/O goes on through the peer", async () => {
    const kit = await pair("pass_on");
    const d = kit.drbd0("node1");
    // extent 0 is hot: the data write itself fails (no activity-log transaction first)
    expect(ok(d.write(0, text("avant")))).toBe(true);
    failDisk(kit, "node1", "eio");
    expect(ok(d.write(0, text("chaud")))).toBe(true);
    await kit.sh("node1", "sleep 1");
    const r = d.read(0, 5);
    expect(r.ok && new TextDecoder().decode(materialize(r.value))).toBe("chaud");
    const log = kit.dmesg("node1");
    expect(log).toContain("I/O error, dev sda1, sector 0 op 0x1:(WRITE)");
    expect(log).toContain("drbd r0/0 drbd0: Local IO failed in drbd_request_endio.\n");
    expect(log).toContain("disk( UpToDate -> Inconsistent ) [local-io-error]");
    expect(log).not.toContain("Detaching...");
    expect((await kit.sh("node1", "drbdadm dstate r0")).out).toBe("Inconsistent/UpToDate\n");
    expect(ok(d.write(4096, text("via le pair")))).toBe(true);
  });
});
