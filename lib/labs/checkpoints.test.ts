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
import { gradingSubmission, type StoredCheckpoint } from "./checkpoints";
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
      if (i >= 4) checkpoint = takeCheckpoint(live, CHECKPOINT_FORMAT) ?? checkpoint;
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
    // the newest point after the split brain where the lab can be checkpointed (no timer pending)
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
});
