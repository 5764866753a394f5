import { describe, expect, it } from "vitest";
import { toolboxSubsystem } from "../scripts";
import { makeKit, syncedPair, upAll } from "./testkit";

describe("drbdadm administration commands", () => {
  it("invalidate: full resync with this node as SyncTarget; refused while a resync runs (-8)", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    expect((await kit.sh("node2", "drbdadm invalidate r0")).code).toBe(0);
    const st = (await kit.sh("node2", "drbdadm status r0")).out;
    expect(st).toMatch(/replication:SyncTarget peer-disk:UpToDate done:\d+\.\d\d\n/);
    const again = await kit.sh("node2", "drbdadm invalidate r0");
    expect(again.err).toBe(
      "0: State change failed: (-8) Can not start OV/resync since it is already active\nCommand 'drbdsetup invalidate 0' terminated with exit code 11\n",
    );
    await kit.sh("node2", "sleep 15");
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("UpToDate/UpToDate\n");
  });

  it("invalidate-remote: full resync with this node as SyncSource", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    expect((await kit.sh("node1", "drbdadm invalidate-remote r0")).code).toBe(0);
    expect((await kit.sh("node1", "drbdadm status r0")).out).toMatch(
      /replication:SyncSource peer-disk:Inconsistent done:/,
    );
    expect(kit.dmesg("node1")).toContain("Began resync as SyncSource (will sync 1048508 KB [262127 bits set]).");
  });

  it("pause-sync / resume-sync: flags, peer view, errors 134/135, progress frozen", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1", "node2"]);
    await kit.sh("node1", "drbdadm primary --force r0");
    await kit.sh("node1", "sleep 2");
    expect((await kit.sh("node1", "drbdadm pause-sync r0")).code).toBe(0);
    const s1 = (await kit.sh("node1", "drbdadm status r0")).out;
    expect(s1).toMatch(/replication:PausedSyncS peer-disk:Inconsistent done:(\d+\.\d\d) resync-suspended:user\n/);
    expect((await kit.sh("node2", "drbdadm status r0")).out).toMatch(
      /replication:PausedSyncT peer-disk:UpToDate done:\d+\.\d\d resync-suspended:peer\n/,
    );
    const twice = await kit.sh("node1", "drbdadm pause-sync r0");
    expect(twice.err).toBe(
      "r0: Failure: (134) Sync-pause flag is already set\nCommand 'drbdsetup pause-sync r0 1 0' terminated with exit code 10\n",
    );
    const done1 = /done:(\d+\.\d\d)/.exec(s1)?.[1];
    await kit.sh("node1", "sleep 30");
    expect(/done:(\d+\.\d\d)/.exec((await kit.sh("node1", "drbdadm status r0")).out)?.[1]).toBe(done1);
    const wrongSide = await kit.sh("node2", "drbdadm resume-sync r0");
    expect(wrongSide.err).toBe(
      "r0: Failure: (135) Sync-pause flag is already cleared\nadditional info from kernel:\nNote: Resync pause caused by the peer node.\nCommand 'drbdsetup resume-sync r0 0 0' terminated with exit code 10\n",
    );
    expect((await kit.sh("node1", "drbdadm resume-sync r0")).code).toBe(0);
    await kit.sh("node1", "sleep 15");
    expect((await kit.sh("node1", "drbdadm status r0")).out).toBe(
      "r0 role:Primary\n  disk:UpToDate\n  node2 role:Secondary\n    peer-disk:UpToDate\n\n",
    );
    expect(kit.dmesg("node1")).toMatch(/Resync done \(total \d+ sec; paused 3\d sec; \d+ K\/sec\)/);
  });

  it("verify needs verify-alg (-14); with it, differing blocks are found and only marked", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    const no = await kit.sh("node1", "drbdadm verify r0");
    expect(no.err).toBe(
      "r0: State change failed: (-14) Need a verify algorithm to start online verify\nCommand 'drbdsetup verify r0 1 0' terminated with exit code 11\n",
    );
    for (const n of ["node1", "node2"])
      await kit.sh(n, "sed -i 's/protocol C;/protocol C;\\n        verify-alg sha1;/' /etc/drbd.d/global_common.conf");
    for (const n of ["node1", "node2"]) await kit.sh(n, "drbdadm adjust r0");
    // corrupt one block behind DRBD's back on node2
    const sda = kit.node("node2").blockDevices.get("/dev/sda1");
    sda?.write(4096 * 7, [{ kind: "bytes", data: new Uint8Array([1, 2, 3]) }]);
    expect((await kit.sh("node1", "drbdadm verify r0")).code).toBe(0);
    expect((await kit.sh("node1", "drbdadm status r0")).out).toMatch(/replication:VerifyS peer-disk:UpToDate done:/);
    await kit.sh("node1", "sleep 20");
    expect(kit.dmesg("node1")).toContain("Online verify found 1 4k blocks out of sync!");
    expect((await kit.sh("node1", "drbdadm status r0 --statistics")).out).toContain("out-of-sync:4");
  });

  it("outdate: refused while connected to a Primary (drbdmeta fallback, exit 20); allowed when disconnected", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    const r = await kit.sh("node2", "drbdadm outdate r0");
    expect(r).toEqual({
      out: "",
      err: "Device '0' is configured!\nCommand 'drbdmeta 0 v09 /dev/sda1 internal outdate' terminated with exit code 20\n",
      code: 20,
    });
    await kit.sh("node2", "drbdadm disconnect r0");
    expect((await kit.sh("node2", "drbdadm outdate r0")).code).toBe(0);
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("Outdated/DUnknown\n");
    const p = await kit.sh("node2", "drbdadm primary r0");
    expect(p.code).toBe(17);
    // reconnecting to the UpToDate peer brings it back
    await kit.sh("node2", "drbdadm connect r0");
    await kit.sh("node2", "sleep 1");
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("UpToDate/UpToDate\n");
  });

  it("detach / attach: Diskless while detached, re-attach via adjust resyncs what was written", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    expect((await kit.sh("node2", "drbdadm detach r0")).code).toBe(0);
    expect((await kit.sh("node2", "drbdadm status r0")).out).toBe(
      "r0 role:Secondary\n  disk:Diskless client:no\n  node1 role:Primary\n    peer-disk:UpToDate\n\n",
    );
    expect((await kit.sh("node1", "drbdadm dstate r0")).out).toBe("UpToDate/Diskless\n");
    const d = kit.drbd0("node1");
    d.open("rw", "dd");
    d.write(0, [{ kind: "zero", length: 4096 * 3 }]);
    d.close("dd");
    expect((await kit.sh("node2", "drbdadm adjust r0")).code).toBe(0);
    expect(kit.dmesg("node2")).toContain("Began resync as SyncTarget (will sync 12 KB [3 bits set]).");
    // a disconnected Primary may not detach its only UpToDate copy
    await kit.sh("node1", "drbdadm disconnect r0");
    const det = await kit.sh("node1", "drbdadm detach r0");
    expect(det.err).toBe(
      "0: State change failed: (-2) Need access to UpToDate data\nCommand 'drbdsetup detach 0' terminated with exit code 17\n",
    );
  });

  it("adjust connects a StandAlone connection and refuses allow-two-primaries with protocol A (139)", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    await kit.sh("node2", "drbdadm disconnect r0");
    expect((await kit.sh("node2", "drbdadm cstate r0")).out).toBe("StandAlone\n");
    await kit.sh("node2", "drbdadm adjust r0");
    await kit.sh("node2", "sleep 1");
    expect((await kit.sh("node2", "drbdadm cstate r0")).out).toBe("Connected\n");
    await kit.sh(
      "node2",
      "sed -i 's/protocol C;/protocol A;\\n        allow-two-primaries yes;/' /etc/drbd.d/global_common.conf && sed -i 's/protocol C;/protocol A;/' /etc/drbd.d/r0.res",
    );
    const r = await kit.sh("node2", "drbdadm adjust r0");
    expect(r.code).toBe(10);
    expect(r.err).toMatch(
      /^r0: Failure: \(139\) Protocol C required\nCommand 'drbdsetup net-options r0 0 --protocol=A --allow-two-primaries=yes .*' terminated with exit code 10\n$/,
    );
  });

  it("new-current-uuid --clear-bitmap skips the initial sync on a just-created pair", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1", "node2"]);
    expect((await kit.sh("node1", "drbdadm new-current-uuid --clear-bitmap r0")).code).toBe(0);
    expect((await kit.sh("node1", "drbdadm dstate r0")).out).toBe("UpToDate/UpToDate\n");
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("UpToDate/UpToDate\n");
    const busy = await kit.sh("node1", "drbdadm new-current-uuid r0");
    expect(busy.err).toBe(
      "0: Failure: (151) Need to be StandAlone\nCommand 'drbdsetup new-current-uuid 0' terminated with exit code 10\n",
    );
  });

  it("drbdsetup events2 --now lists every object and ends with `exists -`", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    const e = (await kit.sh("node1", "drbdsetup events2 --now r0")).out.split("\n");
    expect(e[0]).toMatch(/^exists resource name:r0 role:Primary suspended:no force-io-failures:no /);
    expect(e).toContain("exists connection name:r0 peer-node-id:1 conn-name:node2 connection:Connected role:Secondary");
    expect(e).toContain(
      "exists device name:r0 volume:0 minor:0 backing_dev:/dev/sda1 disk:UpToDate client:no quorum:yes",
    );
    expect(e).toContain(
      "exists peer-device name:r0 peer-node-id:1 conn-name:node2 volume:0 replication:Established peer-disk:UpToDate peer-client:no resync-suspended:no",
    );
    expect(e.at(-2)).toBe("exists -");
  });

  it("down: graceful disconnect seen by the peer at once (TearDown), then No such resource", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    await kit.sh("node1", "drbdadm secondary r0");
    expect((await kit.sh("node2", "drbdadm down r0")).code).toBe(0);
    expect(kit.dmesg("node1")).toContain(
      "drbd r0 node2: conn( Connected -> TearDown ) peer( Secondary -> Unknown ) [receive-disconnect]",
    );
    expect((await kit.sh("node1", "drbdadm status r0")).out).toBe(
      "r0 role:Secondary\n  disk:UpToDate\n  node2 connection:Connecting\n\n",
    );
    expect((await kit.sh("node2", "drbdadm status r0")).code).toBe(10);
    // offline dstate reads the meta-data
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("Consistent\n");
    // the service brings it back at the next boot
    await kit.sh("host", "docker restart drbd-node2");
    await kit.sh("node2", "sleep 1");
    expect((await kit.sh("node2", "drbdadm cstate r0")).out).toBe("Connected\n");
  });

  it("get-gi prints the generation identifiers and flags; fresh meta-data is 0000000000000004", async () => {
    const kit = await makeKit();
    await kit.sh("node1", "drbdadm create-md r0");
    const fresh = await kit.sh("node1", "drbdadm get-gi r0");
    expect(fresh.out).toBe("0000000000000004:0000000000000000:0000000000000000:0000000000000000:0:0:0:0:0:0:0\n");
    await kit.sh("node2", "drbdadm create-md r0");
    for (const n of ["node1", "node2"]) await kit.sh(n, "drbdadm up r0");
    await kit.sh("node1", "drbdadm primary --force r0");
    await kit.sh("node1", "sleep 15");
    const a = (await kit.sh("node1", "drbdadm get-gi r0")).out;
    const b = (await kit.sh("node2", "drbdadm get-gi r0")).out;
    expect(a).toMatch(/^[0-9A-F]{16}:0000000000000000:0{16}:0{16}:1:1:1:1:0:0:0\n$/);
    // same generation on both sides (the primary bit aside)
    expect(BigInt(`0x${a.slice(0, 16)}`) & ~1n).toBe(BigInt(`0x${b.slice(0, 16)}`) & ~1n);
    expect((await kit.sh("node2", "drbdadm show-gi r0")).out).toContain("flags: Secondary, Connected, UpToDate");
  });

  it("the split-brain handler runs with the DRBD_* environment", async () => {
    const kit = await makeKit();
    for (const n of ["node1", "node2"]) {
      await kit.sh(
        n,
        "sed -i 's/after-sb-1pri discard-secondary;/after-sb-1pri disconnect;/' /etc/drbd.d/global_common.conf",
      );
      await kit.sh(
        n,
        `sed -i 's|local-io-error "/usr/lib/drbd/notify-io-error.sh";|local-io-error "/usr/lib/drbd/notify-io-error.sh";\\n        split-brain "echo $DRBD_RESOURCE $DRBD_PEER_ADDRESS $DRBD_MINOR > /root/sb.txt";|' /etc/drbd.d/global_common.conf`,
      );
    }
    await kit.sh("node1", "drbdadm create-md r0 && drbdadm up r0");
    await kit.sh("node2", "drbdadm create-md r0 && drbdadm up r0");
    await kit.sh("node1", "drbdadm primary --force r0");
    await kit.sh("node1", "sleep 15");
    await kit.sh("node1", "drbdadm disconnect r0");
    await kit.sh("node2", "drbdadm disconnect r0");
    await kit.sh("node2", "drbdadm primary r0");
    for (const n of ["node1", "node2"]) {
      const d = kit.drbd0(n);
      d.open("rw", "dd");
      d.write(0, [{ kind: "zero", length: 4096 }]);
      d.close("dd");
    }
    await kit.sh("node1", "drbdadm connect r0");
    await kit.sh("node2", "drbdadm connect r0");
    await kit.sh("node2", "sleep 1");
    expect((await kit.sh("node2", "cat /root/sb.txt")).out).toBe("r0 172.28.0.11 0\n");
    expect(kit.dmesg("node2")).toContain(
      "drbd r0/0 drbd0 node1: helper command: /sbin/drbdadm split-brain exit code 0",
    );
  });

  it("adjust applies a new c-max-rate to a running resync", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1", "node2"]);
    await kit.sh("node1", "drbdadm primary --force r0");
    await kit.sh("node1", "sleep 3");
    for (const n of ["node1", "node2"])
      await kit.sh(
        n,
        "sed -i 's/on-io-error detach;/on-io-error detach;\\n        c-max-rate 10M;/' /etc/drbd.d/global_common.conf",
      );
    await kit.sh("node1", "drbdadm adjust r0");
    const before = Number(/done:(\d+\.\d\d)/.exec((await kit.sh("node1", "drbdadm status r0")).out)?.[1]);
    await kit.sh("node1", "sleep 10");
    const after = Number(/done:(\d+\.\d\d)/.exec((await kit.sh("node1", "drbdadm status r0")).out)?.[1]);
    // 10 MiB/s for 10 s on a 1 GiB device ≈ 9.8 %
    expect(after - before).toBeGreaterThan(8);
    expect(after - before).toBeLessThan(11);
  });

  it("protocol: changed live by adjust (the peer adopts it); a mismatch at connect drops both to StandAlone", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    await kit.sh("node1", "sed -i 's/protocol C;/protocol A;/' /etc/drbd.d/global_common.conf /etc/drbd.d/r0.res");
    expect((await kit.sh("node1", "drbdadm adjust r0")).code).toBe(0);
    expect((await kit.sh("node1", "drbdsetup show r0")).out).toContain("protocol        \tA;\n");
    expect((await kit.sh("node2", "drbdsetup show r0")).out).toContain("protocol        \tA;\n");
    expect((await kit.sh("node1", "drbdadm cstate r0")).out).toBe("Connected\n");
    // node2's file still says C: after a reconnect the two ends disagree
    await kit.sh("node2", "drbdadm down r0");
    await kit.sh("node2", "drbdadm up r0");
    await kit.sh("node2", "sleep 1");
    expect(kit.dmesg("node2")).toContain("drbd r0 node1: incompatible protocol settings");
    expect((await kit.sh("node2", "drbdadm cstate r0")).out).toBe("StandAlone\n");
    expect((await kit.sh("node1", "drbdadm cstate r0")).out).toBe("StandAlone\n");
  });
});

// U9 drbdsetup.c show_resource_list / __print_options: every option that differs from the
// kernel default, `%-16s\t%s;` with the field's unit as a comment, peer-device options
// (resync-rate, c-plan-ahead) in a `volume N { disk { } }` of the connection, `_name` last.
describe("drbdsetup show: the running options after adjust", () => {
  it("lists protocol, fencing, rates and the workshop's non-default options", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    await kit.sh(
      "node1",
      "sed -i 's/protocol C;/protocol C;\\n        fencing resource-only;/; s/on-io-error detach;/on-io-error detach;\\n        resync-rate 100M;\\n        c-plan-ahead 0;/' /etc/drbd.d/global_common.conf",
    );
    await kit.sh("node1", "sed -i 's/protocol C;/protocol A;/' /etc/drbd.d/r0.res");
    expect((await kit.sh("node1", "drbdadm adjust r0")).code).toBe(0);
    expect((await kit.sh("node1", "drbdsetup show r0")).out).toBe(
      [
        'resource "r0" {',
        "    _this_host {",
        "        node-id\t\t\t0;",
        "        volume 0 {",
        "            device\t\t\tminor 0;",
        '            disk\t\t\t"/dev/sda1";',
        "            meta-disk\t\t\tinternal;",
        "            disk {",
        "                disk-flushes    \tno;",
        "                md-flushes      \tno;",
        "            }",
        "        }",
        "    }",
        "    connection {",
        "        _peer_node_id 1;",
        "        path {",
        "            _this_host ipv4 172.28.0.11:7788;",
        "            _remote_host ipv4 172.28.0.12:7788;",
        "        }",
        "        net {",
        "            protocol        \tA;",
        "            max-epoch-size  \t8000;",
        "            sndbuf-size     \t524288; # bytes",
        "            rcvbuf-size     \t524288; # bytes",
        "            after-sb-0pri   \tdiscard-zero-changes;",
        "            after-sb-1pri   \tdiscard-secondary;",
        "            fencing         \tresource-only;",
        "            max-buffers     \t8000;",
        '            _name           \t"node2";',
        "        }",
        "        volume 0 {",
        "            disk {",
        "                resync-rate     \t102400k; # bytes/second",
        "                c-plan-ahead    \t0; # 1/10 seconds",
        "            }",
        "        }",
        "    }",
        "}",
        "",
        "",
      ].join("\n"),
    );
  });

  it("after /scripts/change-protocol.sh: protocol in the net section of both ends; a StandAlone connection says _is_standalone", async () => {
    const kit = await makeKit({ extra: [toolboxSubsystem()] });
    await syncedPair(kit);
    const r = await kit.sh("node1", "/scripts/change-protocol.sh A");
    expect(r.code).toBe(0);
    const net = (s: string) => /\n {8}net \{\n([\s\S]*?)\n {8}\}\n/.exec(s)?.[1] ?? "";
    for (const n of ["node1", "node2"]) {
      const show = (await kit.sh(n, "drbdsetup show r0")).out;
      expect(net(show).split("\n")[0]).toBe("            protocol        \tA;");
      // options left at the kernel default are not listed (no --show-defaults)
      expect(show).not.toMatch(/\b(timeout|connect-int|ping-int|after-sb-2pri)\b/);
    }
    await kit.sh("node2", "drbdadm disconnect r0");
    expect((await kit.sh("node2", "drbdsetup show r0")).out).toContain(
      "            _remote_host ipv4 172.28.0.11:7788;\n        }\n        _is_standalone;\n        net {\n",
    );
    // node1 is Connecting, not StandAlone
    expect((await kit.sh("node1", "drbdsetup show r0")).out).not.toContain("_is_standalone");
  });

  it("an untouched resource option is not shown; quorum and auto-promote are", async () => {
    const kit = await makeKit();
    for (const n of ["node1", "node2"])
      await kit.sh(
        n,
        "sed -i 's/on-no-data-accessible io-error;/on-no-data-accessible io-error;\\n        quorum majority;\\n        auto-promote no;/' /etc/drbd.d/global_common.conf",
      );
    await syncedPair(kit);
    const show = (await kit.sh("node2", "drbdsetup show r0")).out;
    expect(show).toContain(
      'resource "r0" {\n    options {\n        auto-promote    \tno;\n        quorum          \tmajority;\n    }\n',
    );
    expect(show).not.toContain("on-no-data-accessible");
    expect(show).not.toContain("on-no-quorum");
  });
});
