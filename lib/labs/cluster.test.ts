/**
 * Several servers on one PostgreSQL (cluster.ts), in one process: two "servers" are two sets of
 * service dependencies (their own lab workers, row caches and lock connection) on the same
 * database. One learner's commands alternate between them, concurrently too: the log has no gap
 * and no fork, every acknowledged command is in it, and the transcript and the lab's state equal
 * a run on a single server. (The real processes and `kill -9`: e2e/multi-server.spec.ts.)
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLabScript } from "@/engine/index";
import { testsOnPostgres } from "@/lib/testing/postgres";
import { createTempDatabase } from "@/lib/testing/temp-db";
import { LabCluster, labClusterFor } from "./cluster";
import {
  advanceTime,
  type ExecReply,
  execCommand,
  getLab,
  interrupt,
  LabNotFound,
  type LabServiceDeps,
  openLab,
} from "./service";
import { labServiceDeps } from "./test-harness";

const onPostgres = testsOnPostgres();

describe.runIf(onPostgres)("several servers on one PostgreSQL", () => {
  const tmp = onPostgres ? createTempDatabase() : undefined;
  const servers: LabServiceDeps[] = [];
  const db = () => tmp?.db as NonNullable<typeof tmp>["db"];
  const srvA = () => servers[0] as LabServiceDeps;
  const srvB = () => servers[1] as LabServiceDeps;
  const single = () => servers[2] as LabServiceDeps;

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const deps = labServiceDeps(db());
      // the third is a lone server (no cluster), the reference run
      servers.push(i < 2 ? { ...deps, cluster: labClusterFor(tmp?.url as string, deps.labs) } : deps);
    }
    for (const id of ["alice", "bob", "carol"])
      await db().user.create({ data: { id, name: id, email: `${id}@example.fr`, role: "student" } });
  });
  afterAll(async () => {
    for (const s of servers) {
      await s.touches.flush();
      await s.labs.close();
      await s.cluster?.close();
    }
    await tmp?.cleanup();
  });

  /** The start of TP1's solution: commands in three terminals, a docker exec, a sleep. */
  const steps = parseLabScript(readFileSync("content/solutions/tp1.lab", "utf8"))
    .steps.flatMap((s) => (s.kind === "exec" ? [{ terminal: s.target, input: s.command }] : []))
    .slice(0, 14);

  /** A session of `userId` with the same scenario and seed as `like` (for a reference run). */
  async function sameLab(userId: string, like: string): Promise<string> {
    const row = await db().labSession.findUniqueOrThrow({ where: { id: like } });
    const copy = await db().labSession.create({
      data: { userId, exerciseId: row.exerciseId, chapter: row.chapter, scenario: row.scenario, seed: row.seed },
    });
    return copy.id;
  }

  const log = (id: string) =>
    db().labEvent.findMany({
      where: { labSessionId: id },
      orderBy: { seq: "asc" },
      select: { seq: true, target: true, input: true, output: true },
    });
  const state = async (s: LabServiceDeps, id: string) => (await s.labs.inspect(id))?.state;

  it("alternates one learner's commands and waits between two servers: same transcript and state as one server", async () => {
    const id = (await openLab(srvA(), "alice", "tp1", "reset")).session.id;
    const ref = await sameLab("bob", id);
    const run = async (servers: () => LabServiceDeps[], userId: string, lab: string) => {
      for (const [i, cmd] of steps.entries()) {
        const s = servers()[i % servers().length] as LabServiceDeps;
        await execCommand(s, userId, lab, cmd);
        // waits alternate too: the second extends the first's row on the other server
        if (i === 4 || i === 9) {
          await advanceTime(s, userId, lab, 1500);
          await advanceTime(servers()[(i + 1) % servers().length] as LabServiceDeps, userId, lab, 2500);
        }
      }
    };
    await run(() => [srvA(), srvB()], "alice", id);
    await run(() => [single()], "bob", ref);
    const [viewA, viewB, viewRef] = await Promise.all([
      getLab(srvA(), "alice", id),
      getLab(srvB(), "alice", id),
      getLab(single(), "bob", ref),
    ]);
    const strip = (t: typeof viewA.transcript) =>
      t.map(({ seq, terminal, machine, prompt, input, output }) => ({ seq, terminal, machine, prompt, input, output }));
    expect(strip(viewA.transcript)).toEqual(strip(viewRef.transcript));
    expect(strip(viewB.transcript)).toEqual(strip(viewRef.transcript));
    expect(viewA.transcript).toHaveLength(steps.length);
    expect(viewA.cluster).toEqual(viewRef.cluster);
    expect(viewB.tabs).toEqual(viewRef.tabs);
    const [logAB, logRef] = await Promise.all([log(id), log(ref)]);
    expect(logAB.map(({ seq, target, input, output }) => ({ seq, target, input, output }))).toEqual(logRef);
    expect(logAB.filter((e) => e.target === "lab").map((e) => e.input)).toEqual(["wait 1500+2500", "wait 1500+2500"]);
    expect(await state(srvA(), id)).toEqual(await state(single(), ref));
    expect(await state(srvB(), id)).toEqual(await state(single(), ref));
  });

  it("serialises concurrent commands sent to both servers: no gap, no fork, every acknowledged command logged", async () => {
    const id = (await openLab(srvB(), "carol", "tp1", "reset")).session.id;
    await getLab(srvA(), "carol", id); // both servers hold the lab
    const inputs = Array.from({ length: 16 }, (_, i) => `echo c${i} > /tmp/f${i} && ls /tmp | wc -l`);
    const replies = await Promise.all(
      inputs.map((input, i) => execCommand(i % 2 ? srvA() : srvB(), "carol", id, { terminal: "host", input })),
    );
    const rows = await log(id);
    expect(rows.map((r) => r.seq)).toEqual(inputs.map((_, i) => i));
    for (const r of replies as ExecReply[])
      expect(rows[r.entry.seq]).toMatchObject({ input: r.entry.input, output: r.entry.output });
    // each command saw every earlier one, whichever server ran it: files counted 1…16
    expect(rows.map((r) => Number(r.output.trim()))).toEqual(inputs.map((_, i) => i + 1));
    // a reference run of the log's order on one server gives the same outputs
    const ref = await sameLab("bob", id);
    for (const r of rows) await execCommand(single(), "bob", ref, { terminal: r.target, input: r.input });
    expect((await log(ref)).map((r) => r.output)).toEqual(rows.map((r) => r.output));
    const a = await getLab(srvA(), "carol", id);
    const b = await getLab(srvB(), "carol", id);
    expect(a.transcript.map((t) => t.output)).toEqual(rows.map((r) => r.output));
    expect(b.transcript).toEqual(a.transcript);
  });

  it("relays Ctrl-C to the server running the command", async () => {
    const id = (await openLab(srvA(), "alice", "tp1", "reset")).session.id;
    let printed = 0;
    let stopped: Promise<boolean> | undefined;
    const reply = await execCommand(
      srvA(),
      "alice",
      id,
      { terminal: "host", input: "while :; do echo x; sleep 1; done" },
      {
        onOutput: () => {
          if (++printed === 2) stopped = interrupt(srvB(), "alice", id);
        },
        onCluster: () => undefined,
      },
    );
    expect(await stopped).toBe(true);
    expect(reply.exitCode).toBe(130);
    // B catches up with the interrupted row and continues the lab
    const next = await execCommand(srvB(), "alice", id, { terminal: "host", input: "echo after" });
    expect(next.entry.seq).toBe(reply.entry.seq + 1);
    expect(await interrupt(srvB(), "alice", id)).toBe(false); // nothing runs now
  });

  it("refuses the old session on another server once the learner reset it", async () => {
    const old = (await openLab(srvA(), "bob", "tp2", "reset")).session.id;
    await execCommand(srvB(), "bob", old, { terminal: "host", input: "pwd" });
    await openLab(srvA(), "bob", "tp2", "reset");
    // B's row cache still says active: the log check under the lock says otherwise
    await expect(execCommand(srvB(), "bob", old, { terminal: "host", input: "pwd" })).rejects.toBeInstanceOf(
      LabNotFound,
    );
  });

  it("holds one lab's lock on one server at a time", async () => {
    const url = tmp?.url as string;
    const [c1, c2] = [new LabCluster(url, 300), new LabCluster(url, 300)];
    try {
      let inside = false;
      const first = c1.exclusive("lab-x", async () => {
        inside = true;
        await new Promise((r) => setTimeout(r, 200));
        inside = false;
      });
      await new Promise((r) => setTimeout(r, 50));
      await c2.exclusive("lab-x", async () => expect(inside).toBe(false));
      await first;
      // a holder that never lets go: the other gives up after its timeout
      let release: () => void = () => undefined;
      const held = c1.exclusive("lab-y", () => new Promise<void>((r) => (release = r)));
      await new Promise((r) => setTimeout(r, 50));
      await expect(c2.exclusive("lab-y", async () => undefined)).rejects.toThrow(/lock not obtained/);
      release();
      await held;
      await c2.exclusive("lab-y", async () => undefined);
    } finally {
      await c1.close();
      await c2.close();
    }
  });
});
