/**
 * Checkpoints in the app (lib/labs/checkpoints.ts): a worker takes them as commands run, the
 * service keeps the newest one, a rebuild restores it and replays only the rows after it, and
 * gives the lab a full replay gives; a checkpoint that does not fit is ignored (full replay).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHECKPOINT_FORMAT, saveCheckpoint } from "@/engine/checkpoint";
import { createLab, parseLabScript, type ReplayEvent, replay } from "@/engine/index";
import { getExercise, grade } from "@/graders";
import { ensureGraderScenarios } from "@/graders/lab/scenarios";
import { newestCheckpoint } from "./checkpoint-store";
import { gradingCheckpoint, gradingSubmission, parseCheckpointTranscript, type StoredCheckpoint } from "./checkpoints";
import { engineBuild } from "./engine-build";
import { type LiveLab, rebuildLab, type StoredEvent, takeCheckpoint } from "./live";
import type { ExecReply, LabSnapshot } from "./service";
import { labApiHarness } from "./test-harness";

const session = { id: "s1", userId: "u1", exerciseId: "tp1", scenario: "fresh", seed: 3 };

/** A command as the worker runs and stores it. */
async function row(l: LiveLab, terminal: string, input: string): Promise<StoredEvent> {
  const r = await l.exec(terminal, input);
  const seq = l.nextSeq++;
  l.transcript.push({ seq, terminal, machine: r.before.machine, prompt: r.before.prompt, input, output: r.output });
  return { seq, target: terminal, input, output: r.output, outputDigest: r.digest };
}

describe("rebuild from a checkpoint", () => {
  const lines: [string, string][] = [
    ["host", "cd drbd-workshop && docker-compose up -d"],
    ["node1", "/scripts/drbd-init.sh create-md && /scripts/drbd-init.sh start"],
    ["node2", "/scripts/drbd-init.sh create-md && /scripts/drbd-init.sh start"],
    ["node1", "drbdadm primary --force r0; sleep 30; drbdadm status r0"],
    ["node1", "mkfs.ext4 -q /dev/drbd0 && mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd"],
    ["node1", "cd /mnt/drbd; export N=$RANDOM; echo $N > n.txt; ls -l"],
    ["node1", "cat n.txt; echo $N; pwd"],
    ["host", "docker exec -it drbd-node2 bash"],
    ["host", "drbdadm status r0; exit"],
  ];

  it("restores the newest checkpoint and replays the rest: the lab of a full replay", async () => {
    const live = await rebuildLab(session, []);
    const rows: StoredEvent[] = [];
    let checkpoint: StoredCheckpoint | null = null;
    for (const [i, [t, input]] of lines.entries()) {
      rows.push(await row(live, t, input));
      if (i >= 4) checkpoint = (await takeCheckpoint(live, CHECKPOINT_FORMAT)) ?? checkpoint;
      if (i === 6) break;
    }
    expect(checkpoint).not.toBeNull();
    const c = checkpoint as StoredCheckpoint;
    for (const [t, input] of lines.slice(7)) rows.push(await row(live, t, input));

    const full = await rebuildLab(session, rows);
    const fast = await rebuildLab(session, rows, undefined, c);
    expect(full.restoredEvents).toBe(0);
    expect(fast.restoredEvents).toBe(c.events);
    expect(fast.restoredEvents).toBeGreaterThan(0);
    expect(fast.transcript).toEqual(full.transcript);
    expect(fast.transcript).toEqual(live.transcript);
    expect(fast.drift).toEqual(full.drift);
    expect(fast.lab.state()).toEqual(full.lab.state());
    expect(fast.lab.state()).toEqual(live.lab.state());
    expect(fast.nextSeq).toBe(full.nextSeq);
    // the next command runs the same on both
    const a = await fast.exec("node1", "cat /mnt/drbd/n.txt; echo $N; dmesg | tail -3");
    const b = await full.exec("node1", "cat /mnt/drbd/n.txt; echo $N; dmesg | tail -3");
    expect(a.output).toBe(b.output);

    // damaged bytes, a log changed before the checkpoint, a transcript that does not fit: full replay
    const damaged = { ...c, bytes: c.bytes.slice(0, c.bytes.length - 9) };
    const changed = rows.map((r) => (r.seq === 1 ? { ...r, input: `${r.input} ` } : r));
    const noPrompts = { ...c, transcript: JSON.stringify({ rows: [], drift: [] }) };
    for (const [cp, log] of [
      [damaged, rows],
      [c, changed],
      [noPrompts, rows],
      [{ ...c, seq: c.seq - 1 }, rows],
    ] as const) {
      const l = await rebuildLab(session, log, undefined, cp);
      expect(l.restoredEvents).toBe(0);
      if (log === rows) expect(l.transcript).toEqual(full.transcript);
    }
  }, 300_000);

  it("names the engine build", () => {
    expect(engineBuild()).toMatch(/^[0-9a-f]{24}$/);
    expect(engineBuild()).toBe(engineBuild());
  });
});

describe("the service keeps checkpoints", () => {
  process.env.LAB_CHECKPOINT_EVERY = "3";
  process.env.LAB_CHECKPOINT_HEAVY_MS = "1e9"; // by count only here (a busy machine makes any command slow)
  process.env.LAB_CHECKPOINT_SHARE = "0"; // not waiting for the commands to outweigh the last checkpoint
  process.env.LAB_CHECKPOINT_TAIL_MS = "0"; // nor, for the first one, for a tail of work
  const { tmp, labs, api, signInStudents, close } = labApiHarness({ workers: 1 });
  let cookie = "";
  beforeAll(async () => {
    cookie = (await signInStudents(0, 1))[0] as string;
  });
  afterAll(async () => {
    await close();
    tmp.cleanup();
    delete process.env.LAB_CHECKPOINT_EVERY;
    delete process.env.LAB_CHECKPOINT_HEAVY_MS;
    delete process.env.LAB_CHECKPOINT_SHARE;
    delete process.env.LAB_CHECKPOINT_TAIL_MS;
  });
  const req = (body?: unknown) =>
    new Request("http://127.0.0.1:3999/api/labs", {
      method: body === undefined ? "GET" : "POST",
      headers: { cookie, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  it("stores the newest one and rebuilds an evicted lab from it", async () => {
    const opened = await api.open(req({ mode: "reset" }), "tp1");
    const id = ((await opened.json()) as LabSnapshot).session.id;
    const inputs = [
      "cd drbd-workshop && docker-compose up -d",
      "docker exec drbd-node1 drbdadm create-md r0",
      "echo one > /tmp/a; cat /tmp/a",
      "export X=7; cd /tmp",
      "echo $X; pwd; cat a",
      "ls",
      "echo tail",
    ];
    for (const input of inputs) {
      const res = await api.exec(req({ terminal: "host", input }), id);
      expect(res.status).toBe(200);
      (await res.json()) as ExecReply;
    }
    // stored after the replies, in the background: a reader waits for the checkpoints on their way
    expect((await newestCheckpoint(tmp.db, id))?.seq).toBe(5);
    const stored = await tmp.db.labCheckpoint.findMany({ where: { labSessionId: id } });
    expect(stored.map((c) => c.seq)).toEqual([5]);
    expect(stored[0]?.engineBuild).toBe(engineBuild());
    const transcript = ((await (await api.get(req(), id)).json()) as LabSnapshot).transcript;
    const before = await labs.inspect(id);
    expect(before?.restoredEvents).toBe(0);
    labs.evict(id);
    const again = ((await (await api.get(req(), id)).json()) as LabSnapshot).transcript;
    const after = await labs.inspect(id);
    expect(after?.restoredEvents).toBe(6);
    expect(after?.state).toEqual(before?.state);
    expect(again).toEqual(transcript);
    expect(again.map((e) => e.output)).toContain("7\n/tmp\none\n");
  }, 300_000);

  it("answers the command first; the checkpoint of its row follows from the worker", async () => {
    const session = { id: "follow-1", userId: "u-follow", exerciseId: "tp1", scenario: "fresh", seed: 3 };
    const ref = { id: session.id, userId: session.userId, load: async () => ({ session, events: [] }) };
    const ran = [];
    for (const input of ["echo a", "echo b", "echo c", "echo d"])
      ran.push(await labs.exec(ref, { terminal: "host", input }));
    expect(ran.map((r) => r.checkpointFollows ?? false)).toEqual([false, false, true, false]);
    expect(ran[0]?.checkpoint).toBeUndefined();
    const c = await ran[2]?.checkpoint;
    expect(c?.seq).toBe(2);
    expect(c?.events).toBe(3);
    // the state after row 2, not after row 3 (the lab's next command waited for it): rebuilt
    // from it and rows 3.., the lab is the one that ran
    labs.evict(session.id);
    const rows: StoredEvent[] = ran.map((r) => ({
      seq: r.seq,
      target: r.entry.terminal,
      input: r.entry.input,
      output: r.entry.output,
      outputDigest: r.digest,
    }));
    const again = { ...ref, load: async () => ({ session, events: rows, checkpoint: c }) };
    const e = await labs.exec(again, { terminal: "host", input: "echo e" });
    expect(e.entry.output).toBe("e\n");
    const fast = await labs.inspect(session.id);
    expect(fast?.restoredEvents).toBe(3);
    expect(fast?.drift).toEqual([]);
    // the same lab as the whole log replayed
    labs.evict(session.id);
    rows.push({ seq: e.seq, target: "host", input: "echo e", output: e.entry.output, outputDigest: e.digest });
    await labs.view({ ...ref, load: async () => ({ session, events: rows }) });
    const full = await labs.inspect(session.id);
    expect(full?.restoredEvents).toBe(0);
    expect(full?.state).toEqual(fast?.state);
    labs.evict(session.id);
  }, 120_000);
  it("reads one lab's checkpoint at a time in a worker; a lab due meanwhile takes its own at a later command", async () => {
    const refs = [0, 1, 2, 3].map((i) => {
      const session = { id: `one-${i}`, userId: `u-one-${i}`, exerciseId: "tp1", scenario: "fresh", seed: 10 + i };
      return { id: session.id, userId: session.userId, load: async () => ({ session, events: [] }) };
    });
    const taken = new Map<string, number[]>();
    for (let round = 0; round < 8; round++) {
      // the four labs' commands arrive together: their checkpoints come due together
      const ran = await Promise.all(
        refs.map((ref) => labs.exec(ref, { terminal: "host", input: `echo ${round}; ls /etc` })),
      );
      for (const [i, r] of ran.entries()) {
        if (!r.checkpoint) continue;
        const c = await r.checkpoint;
        expect(c?.seq).toBe(r.seq);
        const id = refs[i]?.id as string;
        taken.set(id, [...(taken.get(id) ?? []), r.seq]);
      }
    }
    // every lab got checkpoints, every third row at most: due at row 2, put off twice at most
    // while another lab's is read (labs in step would always find the walker busy)
    for (const ref of refs) {
      const seqs = taken.get(ref.id) ?? [];
      expect(seqs.length).toBeGreaterThan(0);
      expect(seqs[0]).toBeGreaterThanOrEqual(2);
      expect(seqs[0]).toBeLessThanOrEqual(4);
      for (let k = 1; k < seqs.length; k++)
        expect((seqs[k] as number) - (seqs[k - 1] as number)).toBeGreaterThanOrEqual(3);
      labs.evict(ref.id);
    }
  }, 120_000);
});

describe("grading from a checkpoint", () => {
  it("replays only the log's tail, and ignores a checkpoint that does not fit", async () => {
    const def = getExercise("tp1");
    if (!def) throw new Error("no tp1");
    const text = readFileSync(path.join(process.cwd(), "content", "solutions", "tp1.lab"), "utf8");
    const events: ReplayEvent[] = parseLabScript(text).steps.map((s) =>
      s.kind === "exec"
        ? { kind: "exec", target: s.target, input: s.command }
        : { kind: "wait", durationUs: s.ms * 1000 },
    );
    const submission = { scenario: "fresh", seed: 5, events };
    const plain = await grade(def, submission);
    expect(plain.score).toBe(plain.max);
    // the lab after the log's events but the last (where they were typed), checkpointed
    const lab = await createLab({ scenario: "fresh", seed: 5 });
    const machines: string[] = [];
    const k = events.length - 1;
    await replay(lab, events.slice(0, k), {
      step(_l, step) {
        if (step?.kind === "exec") machines.push(step.before?.machine ?? "");
      },
    });
    const good = { gzip: gzipSync(saveCheckpoint(lab)), machines };
    const fromCheckpoint = await grade(def, gradingSubmission({ ...submission, checkpoint: good }));
    expect(fromCheckpoint).toEqual(plain);
    // it is used: a state changed behind the log's back (node1 demoted, the command left out
    // of the lab's own log) shows in the grade
    await lab.exec("node1", "umount /mnt/drbd; drbdadm secondary r0");
    (lab as unknown as { log: unknown[] }).log.pop();
    const tampered = { gzip: gzipSync(saveCheckpoint(lab)), machines };
    const wrong = await grade(def, gradingSubmission({ ...submission, checkpoint: tampered }));
    expect(wrong.score).toBeLessThan(plain.score);
    // damaged, or not the machines of its commands: the whole log is replayed
    const damaged = { gzip: good.gzip.slice(0, 50), machines };
    expect(await grade(def, gradingSubmission({ ...submission, checkpoint: damaged }))).toEqual(plain);
    const short = { gzip: tampered.gzip, machines: machines.slice(1) };
    expect(await grade(def, gradingSubmission({ ...submission, checkpoint: short }))).toEqual(plain);
  }, 300_000);

  it("keeps the DRBD state history the graders read (TP3's split brain, from a checkpoint after it)", async () => {
    const def = getExercise("tp3");
    if (!def) throw new Error("no tp3");
    ensureGraderScenarios();
    const script = parseLabScript(String(def.solution));
    const events: ReplayEvent[] = script.steps.map((s) =>
      s.kind === "exec"
        ? { kind: "exec", target: s.target, input: s.command }
        : { kind: "wait", durationUs: s.ms * 1000 },
    );
    const submission = { scenario: "tp1.done", seed: 3, events };
    const plain = await grade(def, submission);
    expect(plain.score).toBe(plain.max);
    // the newest point after the split brain where the lab can be checkpointed
    const lab = await createLab({ scenario: "tp1.done", seed: 3 });
    const machines: string[] = [];
    let saved: { gzip: Uint8Array; machines: string[] } | null = null;
    for (const e of events) {
      await replay(lab, [e], {
        step(_l, step) {
          if (step?.kind === "exec") machines.push(step.before?.machine ?? "");
        },
      });
      if (!lab.history?.events().some((h) => h.kind === "split-brain")) continue;
      try {
        saved = { gzip: gzipSync(saveCheckpoint(lab)), machines: [...machines] };
      } catch {
        // timers pending (a resync): not here
      }
    }
    if (!saved) throw new Error("no checkpoint after the split brain");
    expect(saved.machines.length).toBeLessThan(events.length);
    const fromCheckpoint = await grade(def, gradingSubmission({ ...submission, checkpoint: saved }));
    expect(fromCheckpoint).toEqual(plain);
  }, 300_000);

  /**
   * A learner's lab of `exercise` running `script` as the worker runs it (live checks fed every
   * step), with the checkpoint the worker could take after each row (null where it could not).
   */
  async function asLearner(exercise: string, script: string, seed: number) {
    const parsed = parseLabScript(script);
    const scenario = parsed.scenario ?? "fresh";
    const live = await rebuildLab({ id: `g-${exercise}`, userId: "u1", exerciseId: exercise, scenario, seed }, []);
    const events: ReplayEvent[] = [];
    const checkpoints: (StoredCheckpoint | null)[] = [];
    const rows: StoredEvent[] = [];
    for (const st of parsed.steps) {
      if (st.kind === "exec") {
        events.push({ kind: "exec", target: st.target, input: st.command });
        rows.push(await row(live, st.target, st.command));
      } else {
        events.push({ kind: "wait", durationUs: st.ms * 1000 });
        await live.advance(st.ms);
        rows.push({ seq: live.nextSeq++, target: "lab", input: `wait ${st.ms}`, output: "", outputDigest: "" });
      }
      checkpoints.push(await takeCheckpoint(live, CHECKPOINT_FORMAT));
    }
    return { submission: { scenario, seed, events }, checkpoints, rows, live };
  }

  /** Grading from the checkpoint after `k` steps, and how many commands it did not replay. */
  async function gradeFrom(def: NonNullable<ReturnType<typeof getExercise>>, submission: object, c: StoredCheckpoint) {
    let skipped = 0;
    const checkpoint = gradingCheckpoint(c);
    if (!checkpoint) throw new Error("no grading checkpoint");
    const result = await grade(def, gradingSubmission({ ...submission, checkpoint }), (p) => {
      if (p.kind === "replay" && skipped === 0) skipped = p.done;
    });
    return { result, skipped };
  }

  it.each([
    ["tp4", "sans monter", 4],
    ["ex9.3", "sans clone", 10],
  ])(
    "grades %s, whose observer sees every step, from a checkpoint with its observer's state",
    async (id, wrongName, from) => {
      ensureGraderScenarios();
      const def = getExercise(id);
      if (!def) throw new Error(`no ${id}`);
      const wrong = def.wrong.find((w) => w.name.includes(wrongName));
      if (!wrong) throw new Error(`no wrong ${id} solution`);
      for (const [script, full] of [
        [String(def.solution), true],
        [String(wrong.submission), false],
      ] as const) {
        const { submission, checkpoints, rows, live } = await asLearner(id, script, 3);
        const plain = await grade(def, submission);
        if (full) expect(plain.score).toBe(plain.max);
        else expect(plain.score).toBeLessThan(plain.max);
        // late in the exercise (TP4: PostgreSQL running, asleep at the lab's fixed points), and at the end
        const taken = checkpoints.flatMap((c, i) => (c ? [[i, c] as const] : []));
        const late = taken.filter(([i]) => i >= from);
        expect(late.length).toBeGreaterThan(1);
        for (const [, c] of late.slice(-2)) {
          expect(parseCheckpointTranscript(c.transcript)?.observed).toBeDefined();
          const { result, skipped } = await gradeFrom(def, submission, c);
          expect(skipped).toBe(c.events);
          expect(result).toEqual(plain);
        }
        // a rebuilt lab's live checks go on from the checkpoint too
        const c = (late.at(-2) as readonly [number, StoredCheckpoint])[1];
        const session = { id: `g-${id}`, userId: "u1", exerciseId: id, scenario: submission.scenario, seed: 3 };
        const fast = await rebuildLab(session, rows, undefined, c);
        expect(fast.restoredEvents).toBe(c.events);
        expect(fast.transcript).toEqual(live.transcript);
        expect(await fast.checks?.evaluate(fast.lab)).toEqual(await live.checks?.evaluate(live.lab));
      }
      if (id !== "tp4") return;
      // the observer's state is used: a checkpoint whose observer saw no failover grades lower
      const { submission, checkpoints } = await asLearner("tp4", String(def.solution), 3);
      const last = checkpoints.at(-1) ?? checkpoints.findLast((c) => c !== null);
      if (!last) throw new Error("no checkpoint at the end of TP4");
      const t = JSON.parse(last.transcript) as { observed: { state: { seen: { episodes: unknown[] } } } };
      t.observed.state.seen.episodes = [];
      const blind = await gradeFrom(def, submission, { ...last, transcript: JSON.stringify(t) });
      expect(blind.skipped).toBe(last.events);
      expect(blind.result.score).toBeLessThan(def.points);
      // another exercise's observer state, or none: the whole log is replayed
      const other = JSON.parse(last.transcript) as { observed: { exercise: string } };
      other.observed.exercise = "ex9.3";
      const again = await gradeFrom(def, submission, { ...last, transcript: JSON.stringify(other) });
      expect(again.skipped).toBe(1);
      expect(again.result.score).toBe(def.points);
    },
    900_000,
  );
});
