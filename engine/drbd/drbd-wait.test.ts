/**
 * drbdadm wait-connect / wait-sync and drbdsetup wait-{connect,sync}-{resource,connection,volume}
 * (drbd-utils user/v9/drbdadm_main.c adm_wait_c; drbdsetup.c generic_events_cmd, choose_timeout,
 * wait_for_family, update_timeouts; K9 drbd_adm_get_timeout_type): they block in virtual time.
 * The `-d` lines were checked against the real drbdadm (9.22, same adm_wait_c as 9.28).
 */
import { describe, expect, it } from "vitest";
import { type Kit, makeKit, upAll } from "./testkit";

async function timed(kit: Kit, node: string, line: string) {
  const t0 = kit.lab.world.clock.now;
  const r = await kit.sh(node, line);
  return { ...r, s: (kit.lab.world.clock.now - t0) / 1e6 };
}

/** choose_timeout()'s fix-up of the workshop's startup { wfc-timeout 120; degr-wfc-timeout 60; } */
const OUTDATED_FIXUP =
  "outdated-wfc-timeout has to be shorter than degr-wfc-timeout\noutdated-wfc-timeout implicitly set to degr-wfc-timeout (60s)\n";

describe("drbdadm -d wait-*: the drbdsetup line and the startup options", () => {
  it("resource, connection, volume; `r0/0` without a peer stays a resource wait", async () => {
    const kit = await makeKit();
    // common { startup { wfc-timeout 120; degr-wfc-timeout 60; } }: inherited options come reversed
    const opts = "--degr-wfc-timeout=60 --wfc-timeout=120";
    expect((await kit.sh("node1", "drbdadm -d wait-connect r0")).out).toBe(
      `drbdsetup wait-connect-resource r0 ${opts}\n`,
    );
    expect((await kit.sh("node1", "drbdadm -d wait-sync r0:node2")).out).toBe(
      `drbdsetup wait-sync-connection r0 1 ${opts}\n`,
    );
    expect((await kit.sh("node1", "drbdadm -d wait-connect r0:node2/0")).out).toBe(
      `drbdsetup wait-connect-volume r0 1 0 ${opts}\n`,
    );
    expect((await kit.sh("node1", "drbdadm -d wait-connect r0/0")).out).toBe(
      `drbdsetup wait-connect-resource r0 ${opts}\n`,
    );
    // no longer in the « n'est pas simulé » answers
    expect((await kit.sh("node1", "drbdadm wait-sync r0")).err).not.toContain("simulé");
  });
});

describe("waiting in virtual time", () => {
  it("a resource that is not up has no peer device to wait for: exit 0 at once", async () => {
    const kit = await makeKit();
    const r = await timed(kit, "node1", "drbdadm wait-connect r0");
    expect(r).toMatchObject({ out: "", err: "", code: 0 });
    expect(r.s).toBeLessThan(1);
  });

  it("the peer never comes: exit 5 at --wfc-timeout (after the degr/outdated fix-ups), 124 under timeout, 130-free", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1"]);
    const r = await timed(kit, "node1", "drbdsetup wait-connect-resource r0 --wfc-timeout=7");
    expect(r.code).toBe(5);
    expect(r.out).toBe("");
    expect(r.err).toBe(
      "degr-wfc-timeout has to be shorter than wfc-timeout\ndegr-wfc-timeout implicitly set to wfc-timeout (7s)\n" +
        "outdated-wfc-timeout has to be shorter than degr-wfc-timeout\noutdated-wfc-timeout implicitly set to degr-wfc-timeout (7s)\n",
    );
    expect(r.s).toBeGreaterThanOrEqual(7);
    expect(r.s).toBeLessThan(8);
    // the config's wfc-timeout (120 s) is longer: an enclosing `timeout 5` kills it first
    const t = await timed(kit, "node1", "timeout 5 drbdadm wait-connect r0");
    expect(t.code).toBe(124);
    expect(t.s).toBeGreaterThanOrEqual(5);
    expect(t.s).toBeLessThan(6);
    // wfc-timeout 0 (the default) waits until stopped
    const f = await timed(kit, "node1", "timeout 30 drbdsetup wait-connect-resource r0");
    expect(f.code).toBe(124);
    expect(f.s).toBeGreaterThanOrEqual(30);
  });

  it("wait-connect returns once the peer is connected, wait-sync once the resync is over", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1", "node2"]);
    const c = await timed(kit, "node1", "drbdadm wait-connect r0");
    expect(c).toMatchObject({ out: "", err: OUTDATED_FIXUP, code: 0 });
    expect((await kit.sh("node1", "drbdadm cstate r0")).out).toBe("Connected\n");
    await kit.sh("node1", "drbdadm primary --force r0");
    // wait-connect does not wait for the resync (SyncSource counts as connected)...
    const again = await timed(kit, "node1", "drbdadm wait-connect r0");
    expect(again.code).toBe(0);
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("Inconsistent/UpToDate\n");
    // ...wait-sync does (1 GiB at the default rate takes seconds of virtual time)
    const s = await timed(kit, "node1", "drbdadm wait-sync r0");
    expect(s.code).toBe(0);
    expect(s.s).toBeGreaterThan(1);
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("UpToDate/UpToDate\n");
    expect((await kit.sh("node1", "drbdsetup wait-sync-volume r0 1 0")).code).toBe(0);
  });

  it("a StandAlone connection ends the wait, unless --wait-after-sb", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1", "node2"]);
    await kit.sh("node2", "drbdadm disconnect r0");
    const r = await timed(kit, "node2", "drbdsetup wait-connect-connection r0 0");
    expect(r).toMatchObject({ out: "", err: "", code: 0 });
    expect(r.s).toBeLessThan(1);
    const sb = await timed(
      kit,
      "node2",
      "drbdsetup wait-connect-connection r0 0 --wfc-timeout=4 --degr-wfc-timeout=4 --outdated-wfc-timeout=4 --wait-after-sb",
    );
    expect(sb.code).toBe(5);
    expect(sb.s).toBeGreaterThanOrEqual(4);
    // wait_for_family: the StandAlone state is reported (once: it does not change), not an end
    expect(sb.err).toBe(
      "\ndrbd r0 connection to peer-id 0 ('node1') is StandAlone, but I'm configured to wait anways (--wait-after-sb)\n",
    );
  });

  it("a degraded Primary that crashed uses degr-wfc-timeout (USE_DEGR_WFC_T), a connected one wfc-timeout", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1", "node2"]);
    await kit.sh("node1", "drbdadm primary --force r0");
    await kit.sh("node1", "drbdadm wait-sync r0");
    await kit.sh("node2", "drbdadm down r0");
    // node1 Primary alone (not connected in its meta-data), then it crashes
    await kit.sh("host", "docker stop drbd-node1 --time=0");
    await kit.sh("host", "docker start drbd-node1");
    await kit.sh("node1", "drbdadm up r0");
    const degr = await timed(
      kit,
      "node1",
      "drbdsetup wait-connect-resource r0 --wfc-timeout=20 --degr-wfc-timeout=3 --outdated-wfc-timeout=2",
    );
    expect(degr.code).toBe(5);
    expect(degr.s).toBeGreaterThanOrEqual(3);
    expect(degr.s).toBeLessThan(4);
    // a clean down/up was not degraded: wfc-timeout applies
    await kit.sh("node1", "drbdadm down r0");
    await kit.sh("node1", "drbdadm up r0");
    const wfc = await timed(
      kit,
      "node1",
      "drbdsetup wait-connect-resource r0 --wfc-timeout=6 --degr-wfc-timeout=3 --outdated-wfc-timeout=2",
    );
    expect(wfc.code).toBe(5);
    expect(wfc.s).toBeGreaterThanOrEqual(6);
  });
});

describe("drbdadm wait-con-int (adm_wait_ci, on a terminal)", () => {
  const BANNER =
    "\n***************************************************************\n" +
    " DRBD's startup script waits for the peer node(s) to appear.\n" +
    " - If this node was already a degraded cluster before the\n" +
    "   reboot, the timeout is 60 seconds. [degr-wfc-timeout]\n" +
    " - If the peer was available before the reboot, the timeout\n" +
    "   is 120 seconds. [wfc-timeout]\n" +
    "   (These values are for resource 'r0'; 0 sec -> wait forever)\n" +
    " To abort waiting enter 'yes' [ -- ]: ";
  const counter = (n: number) => `\x1b[s\x1b[31G[${String(n).padStart(4)}]:\x1b[u`;

  it("-d: one wait-connect-resource per resource; nothing to wait for: no dot", async () => {
    const kit = await makeKit();
    expect(await kit.sh("node1", "drbdadm -d wait-con-int")).toEqual({
      out: "drbdsetup wait-connect-resource r0 --degr-wfc-timeout=60 --wfc-timeout=120\n",
      err: "",
      code: 0,
    });
    expect(await kit.sh("node1", "drbdadm wait-con-int")).toEqual({ out: "", err: "", code: 0 });
  });

  it("ten dots, the banner and its counter; `yes` aborts, exit 0; `timeout` keeps what was printed", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1"]);
    const yes = await timed(kit, "node1", "echo yes | drbdadm wait-con-int");
    expect(yes).toMatchObject({ out: `..........${BANNER}${counter(10)}\n`, err: OUTDATED_FIXUP, code: 0 });
    expect(yes.s).toBeGreaterThanOrEqual(10);
    expect(yes.s).toBeLessThan(11);
    // any other answer asks again
    const no = await kit.sh("node1", "printf 'no\\nyes\\n' | drbdadm wait-con-int");
    expect(no.out).toBe(`..........${BANNER}${counter(10)} To abort waiting enter 'yes' [ -- ]:${counter(10)}\n`);
    const t = await kit.sh("node1", "timeout 13 drbdadm wait-con-int");
    expect(t.code).toBe(124);
    expect(t.out).toBe(`..........${BANNER}${counter(10)}${counter(11)}${counter(12)}`);
  });

  it("on the terminal each dot and each counter appears when drawn, not when it ends", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1"]);
    const t0 = kit.lab.world.clock.now;
    const chunks: { s: number; text: string }[] = [];
    const r = await kit.lab.exec("node1", "timeout 13 drbdadm wait-con-int", {
      onOutput: (c) => {
        if (c.stream === "stdout") chunks.push({ s: (kit.lab.world.clock.now - t0) / 1e6, text: c.text });
      },
    });
    expect(r.exitCode).toBe(124);
    // a dot a second, then the banner with its first counter, then a counter a second
    expect(chunks.slice(0, 10).map((c) => [c.s, c.text])).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, "."]));
    expect(chunks.map((c) => c.text).join("")).toBe(`..........${BANNER}${counter(10)}${counter(11)}${counter(12)}`);
    expect(chunks.at(-1)?.s).toBe(12);
    expect(r.stdout).toBe(chunks.map((c) => c.text).join(""));
  });

  it("the peers are there: it returns at once, without a dot", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1", "node2"]);
    await kit.sh("node1", "drbdadm wait-connect r0");
    const r = await timed(kit, "node1", "drbdadm wait-con-int");
    expect(r).toMatchObject({ out: "", code: 0 });
    expect(r.s).toBeLessThan(1);
  });
});

describe("timeout around a wait keeps drbdsetup's messages", () => {
  it("the degr/outdated fix-up printed before the kill stays", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1"]);
    expect(await kit.sh("node1", "timeout 2 drbdadm wait-connect r0")).toEqual({
      out: "",
      err: OUTDATED_FIXUP,
      code: 124,
    });
  });
});
