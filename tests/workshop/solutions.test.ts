/**
 * The solution lab scripts of content/solutions follow the workshop step by step; these
 * tests run them and check what the workshop says should happen.
 */
import { describe, expect, it } from "vitest";
import { drbdRes, latencyAvg, runSolution, throughput } from "./run";

const T = 180_000;

describe("TP1 solution", () => {
  it(
    "initialises both nodes with drbd-init.sh, syncs, and replicates the test files",
    async () => {
      const { lab, steps, find } = await runSolution("tp1.lab");
      for (const s of steps) expect(s.stderr, s.command).not.toMatch(/command not found/);
      const init = find(/drbd-init\.sh/);
      expect(init).toHaveLength(5);
      for (const s of init) expect(s.exitCode, s.command).toBe(0);
      expect(init[0]?.stdout).toContain(">>> drbdadm create-md r0");
      expect(init[2]?.stdout).toContain(">>> drbdadm primary --force r0");
      const boxes = find(/drbd-status\.sh/);
      // while the initial sync runs, then synchronized on both nodes
      expect(boxes[0]?.stdout).toMatch(/Sync Status: [\d.]+% \(SyncSource with node2\)/);
      for (const b of boxes.slice(1)) {
        expect(b.stdout).toContain("│ Node 1 (172.28.0.11)                            │");
        expect(b.stdout).toMatch(
          /Node 1[\s\S]*Role: Primary[\s\S]*Disk State: UpToDate[\s\S]*Connection: Connected[\s\S]*Node 2[\s\S]*Role: Secondary[\s\S]*Disk State: UpToDate/,
        );
        expect(b.stdout).toContain("│ Sync Status: 100% synchronized                  │");
      }
      const n1 = drbdRes(lab, "node1");
      const n2 = drbdRes(lab, "node2");
      expect([n1.role, n2.role]).toEqual(["Primary", "Secondary"]);
      expect(n2.devices[0]?.disk).toBe("UpToDate");
      expect(find(/^ls -la/)[0]?.stdout).toMatch(/10485760 .* data\.bin/);
      expect((await lab.exec("node1", "cat /mnt/drbd/test.txt")).stdout).toMatch(
        /^Donnees critiques - Mon Jan 15 14:3\d:\d\d UTC 2024\n$/,
      );
    },
    T,
  );
});

describe("TP2 solution", () => {
  it(
    "orders protocols A > B > C in throughput and C's latency grows by the netem RTT",
    async () => {
      const { lab, find } = await runSolution("tp2.lab");
      const runs = find(/benchmark\.sh write/).map((s) => s.stdout);
      expect(runs).toHaveLength(5);
      const [a, b, c, a50, c50] = runs as [string, string, string, string, string];
      expect(a).toContain("protocol A");
      expect(b).toContain("protocol B");
      expect(c).toContain("protocol C");
      expect(throughput(a)).toBeGreaterThan(throughput(b));
      expect(throughput(b)).toBeGreaterThan(throughput(c));
      expect(latencyAvg(a)).toBeLessThan(latencyAvg(b));
      expect(latencyAvg(b)).toBeLessThan(latencyAvg(c));
      // 50 ms of netem on node1's egress: protocol C waits for the round trip at every write
      expect(latencyAvg(c50) - latencyAvg(c)).toBeGreaterThan(45);
      expect(latencyAvg(c50) - latencyAvg(c)).toBeLessThan(60);
      expect(a50).toContain("netem delay 50ms");
      expect(latencyAvg(a50)).toBeLessThan(latencyAvg(c50) / 10);
      // the running connection really uses the protocol the script set, and the file says so
      expect((await lab.exec("node1", "drbdsetup show r0")).stdout).not.toMatch(/protocol\s+[AB]/);
      expect((await lab.exec("node1", "grep protocol /etc/drbd.d/r0.res")).stdout).toBe("    protocol C;\n");
      expect(find(/monitor\.sh latency/)[0]?.stdout).toMatch(/request=5 time=/);
      expect((await lab.exec("node1", "tc qdisc show dev eth0")).stdout).not.toContain("netem");
    },
    T,
  );
});

describe("TP3 solution", () => {
  it(
    "fails over, survives a crash, rejoins, and resolves a split brain keeping node1's data",
    async () => {
      const { lab, find } = await runSolution("tp3.lab");
      expect(find(/cat \/mnt\/drbd\/test\.txt/)[0]?.stdout).toMatch(/^Donnees critiques/);
      const status = find(/drbd-status\.sh/).map((s) => s.stdout);
      // node2 alone after node1's crash: the peer is unknown, never invented
      expect(status[1]).toMatch(/Node 1[\s\S]*Role: Unknown[\s\S]*Disk State: DUnknown[\s\S]*Connection: Connecting/);
      // node1 back: resynced as Secondary
      expect(status[3]).toMatch(
        /Node 1[\s\S]*Role: Secondary[\s\S]*Disk State: UpToDate[\s\S]*Connection: Connected[\s\S]*Node 2[\s\S]*Role: Primary/,
      );
      // split brain: StandAlone on both nodes, with DRBD's kernel line
      const sb = find(/simulate-splitbrain\.sh/)[0];
      expect(sb?.stdout).toContain("Split-Brain detected but unresolved, dropping connection!");
      expect(status[4]).toMatch(
        /Node 1[\s\S]*Role: Primary[\s\S]*Connection: StandAlone[\s\S]*Node 2[\s\S]*Role: Unknown/,
      );
      expect(status[5]).toMatch(/Node 2[\s\S]*Role: Primary[\s\S]*Connection: StandAlone/);
      // resolution: node2 discarded its writes, node1 kept its own
      const n1 = drbdRes(lab, "node1");
      const n2 = drbdRes(lab, "node2");
      expect([n1.role, n2.role]).toEqual(["Primary", "Secondary"]);
      expect(n1.connections[0]?.cstate).toBe("Connected");
      expect(n2.devices[0]?.disk).toBe("UpToDate");
      const ls = find(/^ls \/mnt\/drbd/)[0]?.stdout ?? "";
      expect(ls.split("\n")).toEqual(expect.arrayContaining(["panne.txt", "splitbrain-node1.txt", "test.txt"]));
      expect(ls).not.toContain("splitbrain-node2.txt");
      // node2's view after taking over from node1 shows node1's file only
      await lab.exec("node1", "umount /mnt/drbd && drbdadm secondary r0");
      await lab.exec("node2", "drbdadm primary r0 && mount /dev/drbd0 /mnt/drbd");
      expect((await lab.exec("node2", "ls /mnt/drbd")).stdout).toContain("splitbrain-node1.txt");
      expect((await lab.exec("node2", "ls /mnt/drbd")).stdout).not.toContain("splitbrain-node2.txt");
    },
    T,
  );
});

describe("TP5 solution", () => {
  it(
    "monitors, explains statistics, and goes through network, slow-disk and disk-full failures",
    async () => {
      const { lab, find } = await runSolution("tp5.lab");
      const watch = find(/monitor\.sh watch --count 3/)[0]?.stdout ?? "";
      expect(watch.split("DRBD MONITOR - r0")).toHaveLength(4);
      expect(watch).toContain("\u001b[H\u001b[2J");
      expect(watch).toContain("│ │ Disk: UpToDate      │◄─────►│ Disk: UpToDate      │");
      // 20 MiB written since the previous monitor run, a few seconds ago: a real rate, not a constant
      expect(watch).toMatch(/Write: [1-9][\d.]* MB\/s {4}Read: [\d.]+ MB\/s {4}\(\d+s\)/);
      const stats = find(/drbd-stats\.sh/)[0]?.stdout ?? "";
      for (const k of [
        "ns (network send)",
        "nr (network receive)",
        "dw (disk write)",
        "dr (disk read)",
        "pe (pending)",
        "ua (unacked)",
        "oos (out of sync)",
      ])
        expect(stats).toContain(k);
      const net = find(/simulate-failure\.sh network/)[0]?.stdout ?? "";
      // written during the outage: out-of-sync blocks, sent again by a resync once the link is back
      expect(net).toMatch(
        /connection: Connecting\n[\s\S]*out-of-sync:[1-9]\d*\n== Retablissement[\s\S]*connection: Connected replication:SyncSource\n[\s\S]*connection: Connected\n/,
      );
      const c = drbdRes(lab, "node1").connections[0];
      expect([c?.cstate, c?.peerDevices[0]?.peerDisk, c?.peerDevices[0]?.outOfSyncKiB]).toEqual([
        "Connected",
        "UpToDate",
        0,
      ]);
      const [slow, fast] = find(/monitor\.sh latency/).map((s) =>
        Number(/min\/avg\/max\/mdev = \S+ \S+ \/ ([\d.]+) (ms|us)/.exec(s.stdout)?.[1]),
      );
      expect(slow).toBeGreaterThan(10);
      expect(fast).toBeLessThan(5);
      const full = find(/simulate-failure\.sh disk-full$/)[0];
      expect(full?.stderr).toContain("No space left on device");
      expect(find(/^df -h/)[0]?.stdout).toMatch(/100% \/mnt\/drbd/);
      expect(find(/disk-full --undo/)[0]?.stdout).not.toMatch(/100% \/mnt\/drbd/);
    },
    T,
  );
});

describe("exercise 3.2 solution", () => {
  it(
    "fires the split-brain handler configured in r0.res on both nodes and logs the alert",
    async () => {
      const { lab, find } = await runSolution("ex3.2.lab");
      expect(find(/drbdadm dump/)[0]?.stdout).toBe("configuration valide\n");
      expect(drbdRes(lab, "node1").connections[0]?.cstate).toBe("StandAlone");
      expect(drbdRes(lab, "node2").connections[0]?.cstate).toBe("StandAlone");
      const [a1, a2] = find(/cat \/var\/log\/drbd-alerts\.log/).map((s) => s.stdout);
      expect(a1).toMatch(
        /^2024-01-15 14:3\d:\d\d node1 \[split-brain\] resource=r0 peer=172\.28\.0\.12 : split-brain detecte/,
      );
      expect(a2).toMatch(/^2024-01-15 14:3\d:\d\d node2 \[split-brain\] resource=r0 peer=172\.28\.0\.11 : /);
      expect(a1?.split("\n").filter(Boolean)).toHaveLength(1);
      expect(find(/grep drbd-split-brain/)[0]?.stdout).toMatch(/^Jan 15 14:3\d:\d\d node2 drbd-split-brain: /);
      expect(find(/dmesg/)[0]?.stdout).toContain("helper command: /sbin/drbdadm split-brain exit code 0");
    },
    T,
  );
});

describe("exercise 4.1 solution", () => {
  it("a transaction left open in node1's psql is absent on node2 after the crash and the failover", async () => {
    const { lab, steps, find } = await runSolution("ex4.1.lab");
    for (const s of steps) expect(s.stderr, s.command).not.toMatch(/command not found/);
    // psql's prompt on node1, in the transaction block
    const open = find(/^su - postgres -c "psql -d testdb"$/);
    expect(open.map((s) => s.session.prompt)).toEqual(["testdb=# ", "testdb=# "]);
    expect(find(/^BEGIN;$/)[0]?.session.prompt).toBe("testdb=*# ");
    expect(find(/^INSERT INTO test .*en cours/)[0]?.stdout).toBe("INSERT 0 500\n");
    const [inside, other, after, pending] = find(/SELECT COUNT/).map((s) => s.stdout);
    expect(inside).toBe(" count \n-------\n  1500\n(1 row)\n\n");
    // another session does not see the uncommitted rows
    expect(other).toBe(" count \n-------\n  1000\n(1 row)\n\n");
    // the crash took the session with it: the COMMIT never reached the server
    expect(find(/^COMMIT;$/)[0]?.stderr).toMatch(/^Error response from daemon: container \w+ is not running\n$/);
    // node2: the committed rows, none of the open transaction's
    expect(after).toBe(" count \n-------\n  1000\n(1 row)\n\n");
    expect(pending).toBe(" count \n-------\n     0\n(1 row)\n\n");
    expect(steps.at(-1)?.session.prompt).toBe("root@node2:~# ");
    expect(drbdRes(lab, "node2").role).toBe("Primary");
  }, 300_000);
});

describe("TP4 solution", () => {
  it("runs PostgreSQL on the DRBD filesystem: 1000 rows after each failover, nothing where it is not mounted", async () => {
    const { lab, steps, find } = await runSolution("tp4.lab");
    for (const s of steps) expect(s.stderr, s.command).not.toMatch(/command not found/);
    const counts = find(/SELECT COUNT/);
    expect(counts).toHaveLength(3);
    for (const c of counts) expect(c.stdout).toBe(" count \n-------\n  1000\n(1 row)\n\n");
    // node2 before the failover: /mnt/drbd is not mounted there, the data directory is not there
    const early = find(/pg_ctl -D \/mnt\/drbd\/pgdata start/)[1];
    expect(early?.target).toBe("node2");
    expect(early?.exitCode).not.toBe(0);
    const pgf = find(/pg-failover\.sh/)[0];
    expect(pgf?.exitCode).toBe(0);
    expect(pgf?.stdout).toContain('>>> su - postgres -c "pg_ctl -D /mnt/drbd/pgdata stop"');
    expect(pgf?.stdout).toMatch(/\[failover\] resource=r0 /);
    expect(drbdRes(lab, "node1").role).toBe("Primary");
    expect(drbdRes(lab, "node2").role).toBe("Secondary");
  }, 300_000);
});
