import { describe, expect, it } from "vitest";
import { sameContent } from "../block/digest";
import { makeKit, syncedPair, text, upAll } from "./testkit";

describe("TP1: initialisation, initial sync, replication", () => {
  it("fresh create-md + up on both: Connected, Secondary/Secondary, Inconsistent/Inconsistent", async () => {
    const kit = await makeKit();
    const md = await kit.sh("node1", "drbdadm create-md r0");
    expect(md.out).toBe(
      "initializing activity log\nWriting meta data...\nNew drbd meta data block successfully created.\n",
    );
    await kit.sh("node1", "drbdadm up r0");
    expect((await kit.sh("node1", "drbdadm status r0")).out).toBe(
      "r0 role:Secondary\n  disk:Inconsistent\n  node2 connection:Connecting\n\n",
    );
    await upAll(kit, ["node2"]);
    expect((await kit.sh("node1", "drbdadm status r0")).out).toBe(
      "r0 role:Secondary\n  disk:Inconsistent\n  node2 role:Secondary\n    peer-disk:Inconsistent\n\n",
    );
    expect((await kit.sh("node2", "drbdadm cstate r0")).out).toBe("Connected\n");
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("Inconsistent/Inconsistent\n");
    expect((await kit.sh("node2", "drbdadm role r0")).out).toBe("Secondary\n");
  });

  it("primary is refused on Inconsistent/Inconsistent (-2, exit 17)", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1", "node2"]);
    const r = await kit.sh("node1", "drbdadm primary r0");
    expect(r.code).toBe(17);
    expect(r.err).toBe(
      "r0: State change failed: (-2) Need access to UpToDate data\nCommand 'drbdsetup primary r0' terminated with exit code 17\n",
    );
    expect((await kit.sh("node1", "drbdadm role r0")).out).toBe("Secondary\n");
  });

  it("primary --force: full sync at c-max-rate with done: progressing in virtual time", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1", "node2"]);
    expect((await kit.sh("node1", "drbdadm primary --force r0")).code).toBe(0);
    expect(kit.dmesg("node1")).toContain("drbd r0: Forced to consider local data as UpToDate!");
    expect(kit.dmesg("node1")).toContain("uuid_compare()=source-set-bitmap by rule=just-created-peer");
    await kit.sh("node1", "sleep 4");
    const mid = (await kit.sh("node2", "drbdadm status r0")).out;
    const m = /replication:SyncTarget peer-disk:UpToDate done:(\d+\.\d\d)\n/.exec(mid);
    expect(m).not.toBeNull();
    const done = Number(m?.[1]);
    expect(done).toBeGreaterThan(20);
    expect(done).toBeLessThan(60);
    expect(mid.startsWith("r0 role:Secondary\n  disk:Inconsistent\n  node1 role:Primary\n")).toBe(true);
    await kit.sh("node1", "sleep 10");
    expect((await kit.sh("node1", "drbdadm status r0")).out).toBe(
      "r0 role:Primary\n  disk:UpToDate\n  node2 role:Secondary\n    peer-disk:UpToDate\n\n",
    );
    expect(kit.dmesg("node2")).toMatch(/Resync done \(total 1\d sec; paused 0 sec; \d+ K\/sec\)/);
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("UpToDate/UpToDate\n");
  });

  it("writes on the Primary reach the peer's disk (protocol C) and the data is identical", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    const dev = kit.drbd0("node1");
    expect(dev.open("rw", "dd").ok).toBe(true);
    const w = dev.write(8192, text("Donnees critiques"));
    expect(w.ok).toBe(true);
    // protocol C: the write completes after the round trip and the peer's disk write
    if (w.ok) expect(w.latencyUs).toBeGreaterThan(100);
    dev.close("dd");
    await kit.sh("node1", "sleep 1");
    const a = kit.node("node1").blockDevices.get("/dev/sda1");
    const b = kit.node("node2").blockDevices.get("/dev/sda1");
    expect(a && b && sameContent(a, 0, b, 0, 1024 * 1024)).toBe(true);
    expect(kit.drbd.invariants()).toEqual([]);
  });

  it("a Secondary cannot be opened while the peer is Primary (auto-promote refused, EROFS then EMEDIUMTYPE)", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    const dev = kit.drbd0("node2");
    const rw = dev.open("rw", "mount");
    expect(rw).toEqual({
      ok: false,
      errno: "EROFS",
      reason: "Auto-promote failed: Multiple primaries not allowed by config (-1)",
    });
    expect(kit.dmesg("node2")).toContain("drbd r0: Auto-promote failed: Multiple primaries not allowed by config (-1)");
    expect(dev.open("ro", "mount")).toEqual({ ok: false, errno: "EMEDIUMTYPE" });
  });

  it("auto-promote no: a Secondary refuses a read-only open (EMEDIUMTYPE, K9 drbd_open), even alone", async () => {
    const kit = await makeKit();
    for (const n of ["node1", "node2"])
      await kit.sh(
        n,
        "sed -i 's/on-no-data-accessible io-error;/on-no-data-accessible io-error;\\n        auto-promote no;/' /etc/drbd.d/global_common.conf",
      );
    await syncedPair(kit);
    await kit.sh("node1", "drbdadm secondary r0");
    await kit.sh("node1", "drbdadm disconnect r0");
    const dd = await kit.sh("node2", "dd if=/dev/drbd0 of=/dev/null bs=4k count=1");
    expect(dd.err).toBe("dd: failed to open '/dev/drbd0': Wrong medium type\n");
    expect((await kit.sh("node2", "drbdadm primary r0")).code).toBe(0);
    expect((await kit.sh("node2", "dd if=/dev/drbd0 of=/dev/null bs=4k count=1")).code).toBe(0);
  });

  it("secondary while the device is open is refused (-12, exit 11) with the opener lines", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    expect(kit.drbd0("node1").open("rw", "mount").ok).toBe(true);
    const r = await kit.sh("node1", "drbdadm secondary r0");
    expect(r.code).toBe(11);
    const lines = r.err.split("\n");
    expect(lines[0]).toBe("r0: State change failed: (-12) Device is held open by someone");
    expect(lines[1]).toBe("additional info from kernel:");
    expect(lines[2]).toBe("/dev/drbd0 open_cnt:1, writable:1; list of openers follows");
    expect(lines[3]).toMatch(/^drbd0 opened by mount \(pid \d+\) at 2024-01-15 \d\d:\d\d:\d\d\.\d\d\d$/);
    expect(lines[4]).toBe("Command 'drbdsetup secondary r0' terminated with exit code 11");
    const d = await kit.sh("node1", "drbdadm down r0");
    expect(d.code).toBe(11);
    expect(d.err).toContain("r0: State change failed: (-12) Device is held open by someone");
  });

  it("auto-promote: opening a Secondary for write with an UpToDate disk promotes it, the last close demotes", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    await kit.sh("node1", "drbdadm secondary r0");
    const dev = kit.drbd0("node2");
    expect(dev.open("rw", "mount").ok).toBe(true);
    expect((await kit.sh("node2", "drbdadm role r0")).out).toBe("Primary\n");
    expect(kit.dmesg("node2")).toContain("drbd r0: role( Secondary -> Primary ) [auto-promote]");
    dev.close("mount");
    expect((await kit.sh("node2", "drbdadm role r0")).out).toBe("Secondary\n");
  });

  it("commands on a resource that is not up, or not defined for this host", async () => {
    const kit = await makeKit();
    const s = await kit.sh("node1", "drbdadm status r0");
    expect(s).toEqual({
      out: "",
      err: "r0: No such resource\nCommand 'drbdsetup status r0' terminated with exit code 10\n",
      code: 10,
    });
    const r = await kit.sh("node1", "drbdadm role r0");
    expect(r.err).toBe("r0: Unknown resource\nCommand 'drbdsetup role r0' terminated with exit code 10\n");
    const p = await kit.sh("node1", "drbdadm primary r0");
    expect(p.code).toBe(10);
    expect(p.err).toBe(
      "r0: Failure: (158) Unknown resource\nCommand 'drbdsetup primary r0' terminated with exit code 10\n",
    );
    const u = await kit.sh("node1", "drbdadm up r9");
    expect(u).toEqual({ out: "", err: "'r9' not defined in your config (for this host).\n", code: 1 });
    const x = await kit.sh("node1", "drbdadm promote r0");
    expect(x).toEqual({ out: "", err: "drbdadm: Unknown command 'promote'\n", code: 1 });
  });

  it("up without meta-data stops at repair-md, the first drbdmeta call of adm_attach (drbd-utils ≥ 9.24); /proc/drbd shows only the version", async () => {
    const kit = await makeKit();
    const r = await kit.sh("node1", "drbdadm up r0");
    expect(r.code).toBe(255);
    expect(r.err).toBe(
      "No valid meta data found\nCommand 'drbdmeta 0 v09 /dev/sda1 internal repair-md' terminated with exit code 255\n",
    );
    const proc = await kit.sh("node1", "cat /proc/drbd");
    expect(proc.out).toMatch(
      /^version: 9\.2\.10 \(api:2\/proto:86-122\)\nGIT-hash: [0-9a-f]{40} build by @buildsystem, .*\nTransports \(api:21\): tcp \(9\.2\.10\)\n$/,
    );
  });

  it("drbdadm -d up prints the drbdsetup/drbdmeta calls without running them", async () => {
    const kit = await makeKit();
    const r = await kit.sh("node1", "drbdadm -d up r0");
    // what drbd-utils 9.22's drbdadm prints for the lab's files (tests/oracle checks the rest)
    expect(r.out).toBe(`drbdsetup new-resource r0 0 --on-no-data-accessible=io-error
drbdsetup new-minor r0 0 0
drbdsetup new-peer r0 1 --_name=node2 --protocol=C --max-buffers=8000 --max-epoch-size=8000 --sndbuf-size=512k --rcvbuf-size=512k --after-sb-0pri=discard-zero-changes --after-sb-1pri=discard-secondary --after-sb-2pri=disconnect
drbdsetup new-path r0 1 ipv4:172.28.0.11:7788 ipv4:172.28.0.12:7788
drbdmeta 0 v09 /dev/sda1 internal repair-md
drbdmeta 0 v09 /dev/sda1 internal apply-al
drbdsetup attach 0 /dev/sda1 /dev/sda1 internal --on-io-error=detach --disk-flushes=no --md-flushes=no
drbdsetup connect r0 1
`);
    expect((await kit.sh("node1", "drbdadm status")).out).toBe("# No currently configured DRBD found.\n");
  });

  it("create-md asks before overwriting existing meta-data; --force answers", async () => {
    const kit = await makeKit();
    await kit.sh("node1", "drbdadm create-md r0");
    const again = await kit.sh("node1", "drbdadm create-md r0");
    expect(again.code).toBe(1);
    expect(again.out).toBe("Operation cancelled.\n");
    expect(again.err).toContain(
      "Do you really want to overwrite the existing meta-data?\n[need to type 'yes' to confirm] ",
    );
    const forced = await kit.sh("node1", "drbdadm create-md --force r0");
    expect(forced.code).toBe(0);
    expect(forced.err).toContain("*** confirmation forced via --force option ***");
    await kit.sh("node1", "drbdadm up r0");
    const busy = await kit.sh("node1", "drbdadm create-md --force r0");
    expect(busy.code).toBe(20);
    expect(busy.err).toContain(
      "Device '0' is configured!\nCommand 'drbdmeta 0 v09 /dev/sda1 internal create-md 1' terminated with exit code 20\n",
    );
  });

  it("create-md refuses to truncate a filesystem made on the backing disk (exit 40)", async () => {
    const kit = await makeKit();
    await kit.sh("node1", "mkfs.ext4 -q /dev/sda1");
    const r = await kit.sh("node1", "drbdadm create-md r0");
    expect(r.code).toBe(40);
    expect(r.out).toBe(
      "md_offset 1073737728\nal_offset 1073704960\nbm_offset 1073672192\n\nFound ext3 filesystem\n     1048576 kB data area apparently used\n     1048508 kB left usable by current configuration\n\nDevice size would be truncated, which\nwould corrupt data and result in\n'access beyond end of device' errors.\nYou need to either\n   * use external meta data (recommended)\n   * shrink that filesystem first\n   * zero out the device (destroy the filesystem)\nOperation refused.\n\n",
    );
    expect(r.err).toBe("Command 'drbdmeta 0 v09 /dev/sda1 internal create-md 1' terminated with exit code 40\n");
    await kit.sh("node1", "dd if=/dev/zero of=/dev/sda1 bs=1M count=1");
    expect((await kit.sh("node1", "drbdadm create-md r0")).code).toBe(0);
  });

  it("attach on an attached device: drbdmeta repair-md refuses (Device is configured)", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1"]);
    const r = await kit.sh("node1", "drbdadm attach r0");
    expect(r).toEqual({
      out: "",
      err: "Device '0' is configured!\nCommand 'drbdmeta 0 v09 /dev/sda1 internal repair-md' terminated with exit code 20\n",
      code: 20,
    });
    const u = await kit.sh("node1", "drbdadm up r0");
    expect(u.err).toBe(
      "r0: Failure: (161) Minor or volume exists already (delete it first)\nCommand 'drbdsetup new-minor r0 0 0' terminated with exit code 10\n",
    );
  });
});
