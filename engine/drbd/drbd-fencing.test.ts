import { describe, expect, it } from "vitest";
import { makeKit, syncedPair } from "./testkit";

const RES = (handler: string | null) => `resource r0 {
    net {
        fencing resource-only;
    }
${handler ? `    handlers {\n        fence-peer "${handler}";\n    }\n` : ""}    on node1 {
        device /dev/drbd0;
        disk /dev/sda1;
        address 172.28.0.11:7788;
        meta-disk internal;
    }
    on node2 {
        device /dev/drbd0;
        disk /dev/sda1;
        address 172.28.0.12:7788;
        meta-disk internal;
    }
}
`;

async function fencedPair(exitCode: number | null) {
  const kit = await makeKit();
  for (const n of ["node1", "node2"]) {
    await kit.sh(n, `cat > /etc/drbd.d/r0.res <<'EOF'\n${RES(exitCode === null ? null : "/root/fence.sh")}EOF`);
    if (exitCode !== null)
      await kit.sh(n, `printf '#!/bin/sh\\nexit ${exitCode}\\n' > /root/fence.sh && chmod +x /root/fence.sh`);
  }
  await syncedPair(kit);
  // node1 (Primary) crashes; node2 notices after the ping timeout
  await kit.sh("host", "docker stop drbd-node1 --time=0");
  await kit.sh("node2", "sleep 11");
  return kit;
}

describe("fencing resource-only: the fence-peer handler decides the promotion", () => {
  it("handler exit 4 (peer outdated): promotion allowed", async () => {
    const kit = await fencedPair(4);
    const r = await kit.sh("node2", "drbdadm primary r0");
    expect(r.code).toBe(0);
    const log = kit.dmesg("node2");
    expect(log).toContain("drbd r0 node1: helper command: /sbin/drbdadm fence-peer\n");
    expect(log).toContain("drbd r0 node1: helper command: /sbin/drbdadm fence-peer exit code 4 (0x400)");
    expect(log).toContain("drbd r0 node1: fence-peer helper returned 4 (peer was fenced)");
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("UpToDate/Outdated\n");
  });

  it("no handler (drbdadm exits 0): helper broken, promotion refused (-7)", async () => {
    const kit = await fencedPair(null);
    const r = await kit.sh("node2", "drbdadm primary r0");
    expect(r).toEqual({
      out: "",
      err: "r0: State change failed: (-7) Refusing to be Primary while peer is not outdated\nCommand 'drbdsetup primary r0' terminated with exit code 11\n",
      code: 11,
    });
    expect(kit.dmesg("node2")).toContain("drbd r0 node1: fence-peer helper broken, returned 0");
    // --force goes on anyway, into a possible split brain
    const f = await kit.sh("node2", "drbdadm primary --force r0");
    expect(f.code).toBe(0);
    expect(kit.dmesg("node2")).toContain("drbd r0 node1: Forced into split brain situation!");
    expect(kit.dmesg("node2")).toContain("drbd r0: Forced to consider peers as Outdated!");
  });

  it("handler exit 6 (peer is Primary): this node outdates itself", async () => {
    const kit = await fencedPair(6);
    const r = await kit.sh("node2", "drbdadm primary r0");
    expect(r.code).toBe(17);
    expect(kit.dmesg("node2")).toContain("drbd r0 node1: Peer is primary, outdating myself.");
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("Outdated/DUnknown\n");
  });
});

/** A synced pair with node1 Primary and the given fencing policy (no crash). */
async function pair(fencing: string) {
  const kit = await makeKit();
  for (const n of ["node1", "node2"])
    await kit.sh(n, `cat > /etc/drbd.d/r0.res <<'EOF'\n${RES(null).replace("resource-only", fencing)}EOF`);
  await syncedPair(kit);
  return kit;
}

// K9 drbd_state.c outdate_on_disconnect(): fencing >= resource-only, roles differ → the
// Secondary is outdated in the same cluster-wide change as the disconnect.
describe("fencing resource-only: a graceful disconnect outdates the Secondary", () => {
  for (const side of ["node1", "node2"])
    it(`disconnect on ${side}: node2 Outdated, promotion refused (-2), reads give ENODATA`, async () => {
      const kit = await pair("resource-only");
      expect((await kit.sh(side, "drbdadm disconnect r0")).code).toBe(0);
      expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("Outdated/DUnknown\n");
      expect((await kit.sh("node1", "drbdadm dstate r0")).out).toBe("UpToDate/Outdated\n");
      expect(kit.dmesg("node2")).toMatch(/drbd r0\/0 drbd0: disk\( UpToDate -> Outdated \) \[(disconnect|remote)\]/);
      const r = await kit.sh("node2", "drbdadm primary r0");
      expect(r).toEqual({
        out: "",
        err: "r0: State change failed: (-2) Need access to UpToDate data\nCommand 'drbdsetup primary r0' terminated with exit code 17\n",
        code: 17,
      });
      const dd = await kit.sh("node2", "dd if=/dev/drbd0 of=/dev/null bs=4k count=1");
      expect(dd.err).toBe("dd: failed to open '/dev/drbd0': No data available\n");
      expect(dd.code).toBe(1);
      // the link back: same data generation, node2 is UpToDate again
      await kit.sh(side, "drbdadm connect r0");
      await kit.sh("node2", "sleep 3");
      expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("UpToDate/UpToDate\n");
      expect(kit.drbd.invariants()).toEqual([]);
    });

  it("fencing dont-care (no quorum): the Secondary stays UpToDate and may be promoted", async () => {
    const kit = await pair("dont-care");
    await kit.sh("node1", "drbdadm disconnect r0");
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("UpToDate/DUnknown\n");
    expect((await kit.sh("node1", "drbdadm dstate r0")).out).toBe("UpToDate/DUnknown\n");
    expect((await kit.sh("node2", "drbdadm primary r0")).code).toBe(0);
  });

  it("two Secondaries disconnecting outdate nobody", async () => {
    const kit = await pair("resource-only");
    await kit.sh("node1", "drbdadm secondary r0");
    await kit.sh("node1", "drbdadm disconnect r0");
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("UpToDate/DUnknown\n");
    expect((await kit.sh("node1", "drbdadm dstate r0")).out).toBe("UpToDate/DUnknown\n");
  });
});
