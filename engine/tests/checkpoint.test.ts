/**
 * Checkpoints (engine/checkpoint.ts): restoring the state saved after k events and replaying the
 * rest gives the transcript and the state of a full replay, byte for byte, for random command
 * logs and for the PostgreSQL TP; bytes it cannot restore exactly are refused.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CHECKPOINT_FORMAT,
  checkpointMeta,
  InvalidCheckpoint,
  NotCheckpointable,
  restoreCheckpoint,
  restoreFor,
  saveCheckpoint,
  saveCheckpointSliced,
} from "../checkpoint";
import { drbdVocabulary } from "../drbd/vocabulary";
import { createLab, type Lab, parseLabScript, type ReplayEvent, replay } from "../index";
import type { PostgresSubsystem } from "../services/postgres/index";
import { vocabulary } from "./property/vocabulary";

interface Shown {
  index: number;
  prompt: string;
  shown: string;
  exitCode: number;
}

/** Replay `events` on `lab` from index `from`, with what each step showed and a checkpoint after each one. */
async function run(lab: Lab, events: readonly ReplayEvent[], from = 0) {
  const shown: Shown[] = [];
  const checkpoints = new Map<number, Uint8Array>();
  const save = (after: number) => {
    try {
      checkpoints.set(after, saveCheckpoint(lab));
    } catch (e) {
      if (!(e instanceof NotCheckpointable)) throw e;
    }
  };
  if (from === 0) save(0);
  await replay(lab, events.slice(from), {
    step(l, step) {
      if (!step) return;
      shown.push({
        index: from + step.index,
        prompt: step.before?.prompt ?? "",
        shown: step.shown,
        exitCode: step.exitCode,
      });
      save(from + step.index + 1);
      expect(l.events().length).toBe(from + step.index + 1);
    },
  });
  return { shown, checkpoints, state: lab.state() };
}

/** Restore after `k` events, replay the tail: the same as the full replay from there on. */
async function expectSameAsFull(
  full: Awaited<ReturnType<typeof run>>,
  events: readonly ReplayEvent[],
  k: number,
  start: { scenario: string; seed: number },
) {
  const bytes = full.checkpoints.get(k) as Uint8Array;
  const { lab, skipped } = await restoreFor(bytes, events, start);
  expect(skipped).toBe(k);
  const tail = await run(lab, events, k);
  expect(tail.shown).toEqual(full.shown.slice(k));
  expect(tail.state).toEqual(full.state);
  // the whole state, not only what lab.state() shows: the same bytes once saved again
  for (const [at, b] of tail.checkpoints)
    expect(Buffer.from(b).equals(Buffer.from(full.checkpoints.get(at) as Uint8Array))).toBe(true);
}

describe("checkpoints", () => {
  const start = { scenario: "running", seed: 4 };
  const setup: ReplayEvent[] = [
    { kind: "exec", target: "node1", input: "drbdadm create-md r0; drbdadm up r0" },
    { kind: "exec", target: "node2", input: "drbdadm create-md r0; drbdadm up r0" },
  ];
  const moves = [
    ...vocabulary(["node1", "node2"]),
    ...drbdVocabulary(["node1", "node2"]),
    { target: "node1", line: "mkfs.ext4 -F /dev/drbd0" },
    { target: "node1", line: "mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd" },
    { target: "node1", line: "dd if=/dev/urandom of=/mnt/drbd/data.bin bs=1M count=2" },
    { target: "node1", line: 'echo "x $RANDOM $(date +%s)" >> /mnt/drbd/log.txt; sync; cat /mnt/drbd/log.txt' },
    { target: "node1", line: "cd /mnt/drbd; export A=$RANDOM; f() { echo f$A; }; ip addr add 10.9.9.9/24 dev eth0" },
    { target: "node1", line: "echo $A; ip addr show eth0 | grep 10.9; pwd; ls -l" },
    { target: "host", line: "docker exec -it drbd-node2 bash" },
    { target: "host", line: "hostname; exit" },
  ];
  const arbEvent: fc.Arbitrary<ReplayEvent> = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.constantFrom(...moves).map((m) => ({ kind: "exec" as const, target: m.target, input: m.line })),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 40 }).map((s) => ({ kind: "wait" as const, durationUs: s * 1_000_000 })),
    },
  );

  it("restore + tail = full replay, for random command logs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbEvent, { minLength: 2, maxLength: 12 }), fc.nat(), async (tail, pick) => {
        const events = [...setup, ...tail];
        const full = await run(await createLab(start), events);
        const points = [...full.checkpoints.keys()];
        expect(points.length).toBeGreaterThan(0);
        await expectSameAsFull(full, events, points[pick % points.length] as number, start);
      }),
      { numRuns: 8, seed: 20261207 },
    );
  }, 600_000);

  it("saves the same bytes in slices, running `between` along the walk", async () => {
    const lab = await createLab(start);
    await replay(lab, setup);
    const whole = saveCheckpoint(lab);
    let slices = 0;
    const sliced = await saveCheckpointSliced(lab, async () => {
      slices++;
      await new Promise((r) => setImmediate(r));
    });
    expect(slices).toBeGreaterThan(3);
    expect(Buffer.from(sliced).equals(Buffer.from(whole))).toBe(true);
  });

  it("lets `between` run while the bytes are summed, not only while the objects are walked", async () => {
    const lab = await createLab(start);
    await replay(lab, [
      ...setup,
      { kind: "exec", target: "node1", input: "dd if=/dev/urandom of=/tmp/big bs=1M count=40" },
    ]);
    let slices = 0;
    const sliced = await saveCheckpointSliced(lab, async () => {
      slices++;
    });
    expect(sliced.length).toBeGreaterThan(40 << 20);
    // a slice per MiB of the checksum at least (a PostgreSQL data directory is 50 MB: one
    // stretch of ~100 ms of its worker, before), besides the walk's slices of objects
    expect(slices).toBeGreaterThanOrEqual(Math.floor(sliced.length / (1 << 20)));
    expect(Buffer.from(sliced).equals(Buffer.from(saveCheckpoint(lab)))).toBe(true);
  });

  it("carries the state kept beside the objects (send buffers, disk queues, added addresses)", async () => {
    const x = (target: string, input: string): ReplayEvent => ({ kind: "exec", target, input });
    const events: ReplayEvent[] = [
      ...setup,
      x("node1", "ip addr add 10.9.9.9/24 dev eth0"),
      x("node1", "drbdadm primary --force r0"),
      x("node1", "sleep 60; drbdadm status"),
      x("node1", "mkfs.ext4 -q /dev/drbd0; mount /dev/drbd0 /mnt; dd if=/dev/urandom of=/mnt/x bs=1M count=1; sync"),
      x("node1", "ip addr show eth0; dd if=/dev/urandom of=/mnt/y bs=1M count=2; sync"),
      x("node1", "drbdsetup status --verbose --statistics; cat /proc/drbd"),
      x("node2", "ip addr del 10.9.9.9/24 dev eth0; ip addr show eth0"),
    ];
    const full = await run(await createLab(start), events);
    expect(full.checkpoints.has(6)).toBe(true);
    await expectSameAsFull(full, events, 6, start);
  }, 300_000);

  it("restore + tail = full replay in the PostgreSQL TP (TP4)", async () => {
    const script = readFileSync(path.join(process.cwd(), "content", "solutions", "tp4.lab"), "utf8");
    const events: ReplayEvent[] = parseLabScript(script).steps.map((s) =>
      s.kind === "exec"
        ? { kind: "exec", target: s.target, input: s.command }
        : { kind: "wait", durationUs: s.ms * 1000 },
    );
    const tp4 = { scenario: "fresh", seed: 7 };
    // up to the table's rows counted (PostgreSQL started, a database, a table, 1000 rows)
    const count = events.findIndex((e) => e.kind === "exec" && e.input.includes("SELECT COUNT(*)"));
    const log = events.slice(0, count + 1);
    const full = await run(await createLab(tp4), log);
    const initdb = log.findIndex((e) => e.kind === "exec" && e.input.includes("initdb"));
    const after = [...full.checkpoints.keys()].filter((k) => k > initdb);
    // PostgreSQL's data directory is in the checkpoint (on the DRBD disk): a point after initdb,
    // before the server starts on it in the tail
    expect(after.length).toBeGreaterThan(0);
    // while a server's instance is open (its memory is not the lab's objects), no checkpoint
    const started = log.findIndex((e) => e.kind === "exec" && e.input.includes("pg_ctl -D /mnt/drbd/pgdata start"));
    expect(full.checkpoints.has(started + 1)).toBe(false);
    await expectSameAsFull(full, log, after[0] as number, tp4);
  }, 900_000);

  it("restore + tail = full replay in TP4 with PostgreSQL running (its instance asleep at the lab's fixed points)", async () => {
    const script = readFileSync(path.join(process.cwd(), "content", "solutions", "tp4.lab"), "utf8");
    const events: ReplayEvent[] = parseLabScript(script).steps.map((s) =>
      s.kind === "exec"
        ? { kind: "exec", target: s.target, input: s.command }
        : { kind: "wait", durationUs: s.ms * 1000 },
    );
    const tp4 = { scenario: "fresh", seed: 7 };
    const full = await run(await createLab(tp4), events);
    // where a server ran (for the learner) and whether its instance was open, step by step
    const lab = await createLab(tp4);
    const servers = (lab.world.subsystem("postgres") as PostgresSubsystem).servers;
    const running: number[] = [];
    const awake: number[] = [];
    await replay(lab, events, {
      step(_l, step) {
        if (!step) return;
        if (servers.all().length > 0) running.push(step.index + 1);
        if (servers.awake().length > 0) awake.push(step.index + 1);
      },
    });
    // an open instance is never in a checkpoint; a running, sleeping server is
    expect(awake.length).toBeGreaterThan(3);
    for (const k of awake) expect(full.checkpoints.has(k)).toBe(false);
    const withServer = running.filter((k) => full.checkpoints.has(k));
    expect(withServer.length).toBeGreaterThan(0);
    // the first such point: its tail wakes the server, queries it, fails over to node2 and back
    await expectSameAsFull(full, events, withServer[0] as number, tp4);
  }, 900_000);

  it("refuses what it cannot restore exactly", async () => {
    const lab = await createLab(start);
    await lab.exec("node1", "drbdadm create-md r0; drbdadm up r0");
    const bytes = saveCheckpoint(lab);
    expect(checkpointMeta(bytes)).toMatchObject({ format: CHECKPOINT_FORMAT, scenario: "running", seed: 4, events: 1 });
    // a damaged byte, another format, truncated bytes
    const damaged = bytes.slice();
    damaged[damaged.length - 5] = (damaged[damaged.length - 5] as number) ^ 1;
    await expect(restoreCheckpoint(damaged)).rejects.toBeInstanceOf(InvalidCheckpoint);
    const other = bytes.slice();
    other[7] = "9".charCodeAt(0);
    await expect(restoreCheckpoint(other)).rejects.toBeInstanceOf(InvalidCheckpoint);
    await expect(restoreCheckpoint(bytes.slice(0, 100))).rejects.toBeInstanceOf(InvalidCheckpoint);
    // a log that does not begin with the checkpoint's events, or another lab
    const log: ReplayEvent[] = [{ kind: "exec", target: "node1", input: "drbdadm up r0" }];
    await expect(restoreFor(bytes, log, start)).rejects.toBeInstanceOf(InvalidCheckpoint);
    await expect(restoreFor(bytes, [], start)).rejects.toBeInstanceOf(InvalidCheckpoint);
    const same: ReplayEvent[] = [{ kind: "exec", target: "node1", input: "drbdadm create-md r0; drbdadm up r0" }];
    await expect(restoreFor(bytes, same, { scenario: "running", seed: 5 })).rejects.toBeInstanceOf(InvalidCheckpoint);
    expect((await restoreFor(bytes, same, start)).skipped).toBe(1);
    // bytes inside a larger buffer (a Node Buffer, as gunzip gives them) restore the same
    const inside = Buffer.concat([Buffer.alloc(7, 1), Buffer.from(bytes), Buffer.alloc(5, 2)]).subarray(
      7,
      7 + bytes.length,
    );
    const again = await restoreCheckpoint(inside);
    // (saved before lab.state(), which makes DRBD's per-node tables as it reads them)
    expect(Buffer.from(saveCheckpoint(again.lab)).equals(Buffer.from(bytes))).toBe(true);
    expect(again.lab.state()).toEqual(lab.state());
    // a pending timer whose closure a restore cannot make again: not checkpointable now
    lab.world.clock.schedule(5_000_000, "a closure of no factory", () => undefined);
    expect(() => saveCheckpoint(lab)).toThrow(NotCheckpointable);
  }, 120_000);

  it("carries pending timers (resync, connection, replicated writes in flight)", async () => {
    const x = (target: string, input: string): ReplayEvent => ({ kind: "exec", target, input });
    const events: ReplayEvent[] = [
      x("node1", "drbdadm create-md r0; drbdadm up r0"),
      x("node2", "drbdadm create-md r0"),
      x("node2", "drbdadm up r0"), // connecting: connect and handshake timers
      x("node1", "drbdadm primary --force r0; drbdadm status r0"), // a resync under way
      x("node1", "sleep 2; drbdadm status r0"),
      x("node1", "mkfs.ext4 -q /dev/drbd0; mount /dev/drbd0 /mnt; echo a > /mnt/a"),
      x("node1", "iptables -A INPUT -s 172.28.0.12 -j DROP; dd if=/dev/urandom of=/mnt/x bs=1M count=1"),
      { kind: "wait", durationUs: 3_000_000 },
      x("node1", "drbdadm status r0; iptables -F; sleep 20; drbdadm status r0"),
      { kind: "wait", durationUs: 60_000_000 },
      x("node2", "drbdadm status r0; dmesg | tail -5"),
    ];
    const full = await run(await createLab(start), events);
    // the points where timers were pending and a checkpoint was taken anyway
    const lab = await createLab(start);
    const pendingAt: number[] = [];
    const labels = new Set<string>();
    await replay(lab, events, {
      step(l, step) {
        const pending = l.world.clock.pending();
        for (const t of pending) labels.add(t.label.split(" ").slice(0, 2).join(" "));
        if (step && pending.length > 0) pendingAt.push(step.index + 1);
      },
    });
    expect([...labels].sort()).toEqual(expect.arrayContaining(["drbd connect", "drbd resync"]));
    const points = pendingAt.filter((k) => full.checkpoints.has(k));
    expect(points.length).toBeGreaterThan(2);
    expect(points).toEqual(pendingAt);
    for (const k of points) await expectSameAsFull(full, events, k, start);
    // (a restore that dropped the queue would not do: the resync would never end)
    const k = points[0] as number;
    const { lab: restored } = await restoreFor(full.checkpoints.get(k) as Uint8Array, events, start);
    expect(restored.world.clock.pending()).toEqual(
      (
        await (async () => {
          const l = await createLab(start);
          await replay(l, events.slice(0, k));
          return l;
        })()
      ).world.clock.pending(),
    );
  }, 600_000);
});
