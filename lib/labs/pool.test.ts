/**
 * The lab worker pool through the lab API: engine work happens in worker threads (the request
 * thread stays free), a worker that dies or hangs is replaced and its labs come back from their
 * rows with every acknowledged command, Ctrl-C reaches a command through the shared flag.
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecReply, LabSnapshot } from "./service";
import { labApiHarness } from "./test-harness";

const restarts: string[] = [];
const { tmp, labs, api, signInStudents, close } = labApiHarness({
  workers: 2,
  watchdogMs: 8000,
  pingMs: 200,
  testHooks: true,
  onRestart: (i, reason) => restarts.push(`${i}: ${reason}`),
});
const cookies: string[] = [];

beforeAll(async () => {
  cookies.push(...(await signInStudents(0, 3)));
});
afterAll(async () => {
  await close();
  tmp.cleanup();
});

const req = (cookie: string, body?: unknown) =>
  new Request("http://127.0.0.1:3999/api/labs", {
    method: body === undefined ? "GET" : "POST",
    headers: { cookie, "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

async function open(cookie: string, labId = "tp1"): Promise<string> {
  const res = await api.open(req(cookie, { mode: "reset" }), labId);
  expect(res.status).toBe(200);
  return ((await res.json()) as LabSnapshot).session.id;
}

async function exec(cookie: string, id: string, input: string, terminal = "host"): Promise<ExecReply> {
  const res = await api.exec(req(cookie, { terminal, input }), id);
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toBe("no-store, no-transform"); // not gzipped by Next
  return (await res.json()) as ExecReply;
}

/** Largest delay of a 10 ms timer on this thread while `work` runs. */
async function maxTimerLag(work: Promise<unknown>): Promise<number> {
  let worst = 0;
  let done = false;
  void work.finally(() => {
    done = true;
  });
  while (!done) {
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 10));
    worst = Math.max(worst, performance.now() - t0 - 10);
  }
  return worst;
}

describe("lab worker pool", () => {
  it("spreads labs over the workers and keeps engine work off the request thread", async () => {
    const a = await open(cookies[0] as string);
    const b = await open(cookies[1] as string);
    expect(new Set([labs.workerOf(a), labs.workerOf(b)])).toEqual(new Set([0, 1]));
    // a learner's other labs join their first one (their loops share one worker)
    expect(labs.workerOf(await open(cookies[0] as string, "tp2"))).toBe(labs.workerOf(a));
    // a command of a few hundred ms of engine work: this thread's timers keep their pace
    const heavy = exec(cookies[0] as string, a, "for i in $(seq 1 1200); do n=$i; done; echo $n");
    const lag = await maxTimerLag(heavy);
    expect((await heavy).entry.output).toBe("1200\n");
    expect(lag).toBeLessThan(300); // the same work on this thread: one block of ~600 ms+
  });

  it.runIf(process.platform === "linux")(
    "runs its workers at a lower priority than the request thread (nice 10)",
    () => {
      // field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice
      const nice = (tid: string) =>
        Number(readFileSync(`/proc/${process.pid}/task/${tid}/stat`, "utf8").split(") ")[1]?.split(" ")[16]);
      const threads = readdirSync(`/proc/${process.pid}/task`).map((tid) => ({ tid, nice: nice(tid) }));
      expect(nice(String(process.pid))).toBe(0);
      // the pool's two workers (vitest's own threads keep nice 0)
      expect(threads.filter((t) => t.nice === 10).length).toBe(labs.size);
    },
  );

  it("Ctrl-C reaches a command that is not streamed (the shared flag, no message needed)", async () => {
    const id = await open(cookies[2] as string);
    const running = exec(cookies[2] as string, id, "while :; do n=1; sleep 1; done");
    // left alone, the loop runs 600 virtual seconds (its budget): about 4 s of work here
    let answer: unknown;
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      answer = await (await api.interrupt(req(cookies[2] as string, {}), id)).json();
      if ((answer as { interrupted: boolean }).interrupted) break;
    }
    expect(answer).toEqual({ interrupted: true });
    const reply = await running;
    expect(reply.exitCode).toBe(130);
    expect(reply.durationMs).toBeLessThan(600_000);
    const rows = await tmp.db.labEvent.findMany({ where: { labSessionId: id } });
    // stored where it stopped (0 when the Ctrl-C came before its first checkpoint)
    expect(rows[0]?.interruptedAtUs).toBeTypeOf("number");
    // nothing runs now
    expect(await (await api.interrupt(req(cookies[2] as string, {}), id)).json()).toEqual({ interrupted: false });
  });

  it("counts what a command held its worker, not the real time it paced its output: no checkpoint after a paced sleep", async () => {
    const session = { id: "paced-1", userId: "u-paced", exerciseId: "tp1", scenario: "fresh", seed: 5 };
    const ref = { id: session.id, userId: session.userId, load: async () => ({ session, events: [] }) };
    const chunks: string[] = [];
    const ran = await labs.exec(
      ref,
      { terminal: "host", input: "echo début; sleep 1; echo fin" },
      { onOutput: (c) => chunks.push(c.text), onCluster: () => {} },
    );
    expect(ran.entry.output).toBe("début\nfin\n");
    expect(chunks.join("")).toContain("fin");
    // a second of real time for the eye (a heavy command by the clock: ≥ 250 ms), little work
    expect(ran.timing.run).toBeGreaterThanOrEqual(900);
    expect(ran.checkpointFollows).toBeUndefined();
    labs.evict(session.id);
  });

  it("replaces a worker that dies; its labs come back from their rows with every acknowledged command", async () => {
    const id = await open(cookies[0] as string);
    await exec(cookies[0] as string, id, "export A=one");
    await exec(cookies[0] as string, id, 'export A="$A two"');
    const index = labs.workerOf(id) as number;
    const before = restarts.length;
    await labs.thread(index)?.terminate();
    await expect.poll(() => restarts.length).toBe(before + 1);
    expect(await labs.inspect(id)).toBeNull(); // a fresh worker holds nothing yet
    const after = await exec(cookies[0] as string, id, "echo $A");
    expect(after.entry.output).toBe("one two\n");
    expect(after.entry.seq).toBe(2);
    const snap = (await (await api.get(req(cookies[0] as string), id)).json()) as LabSnapshot;
    expect(snap.transcript.map((e) => e.input)).toEqual(["export A=one", 'export A="$A two"', "echo $A"]);
    expect((await labs.inspect(id))?.drift).toEqual([]);
  });

  it("terminates a worker that stops answering (watchdog) and serves its labs again", async () => {
    const id = await open(cookies[1] as string);
    await exec(cookies[1] as string, id, "export K=kept");
    const index = labs.workerOf(id) as number;
    const before = restarts.length;
    const blocked = labs.block(index, 60_000);
    await expect(blocked).rejects.toThrow(/lab worker lost: no answer/);
    expect(restarts.slice(before)).toEqual([expect.stringMatching(new RegExp(`^${index}: no answer for \\d+ ms`))]);
    expect((await exec(cookies[1] as string, id, "echo $K")).entry.output).toBe("kept\n");
  }, 60_000);

  it("refuses the test-only block request unless test hooks are on", async () => {
    const { labs: plain, close: closePlain, tmp: tmp2 } = labApiHarness({ workers: 1 });
    try {
      await expect(plain.block(0, 10)).resolves.toMatchObject({
        ok: false,
        error: expect.stringMatching(/test hooks/),
      });
    } finally {
      await closePlain();
      tmp2.cleanup();
    }
  });
});
