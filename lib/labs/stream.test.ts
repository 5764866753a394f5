/**
 * Streamed exec (NDJSON): output as it is printed, paced in real time once the command has
 * printed, Ctrl-C that really stops it server-side at a logged virtual offset that the replay
 * reuses. Same guards as the plain route (401, 404, 400, limits).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecStreamMessage } from "./http";
import { type ExecReply, type LabSnapshot, PACE_MAX_MS, paceMs } from "./service";
import { labApiHarness } from "./test-harness";

const { tmp, labs, api, signInStudents, close } = labApiHarness();
const cookies: string[] = [];

beforeAll(async () => {
  cookies.push(...(await signInStudents(1, 3)));
});
afterAll(async () => {
  await close();
  tmp.cleanup();
});

const req = (cookie: string | undefined, body?: unknown, raw?: string) =>
  new Request("http://127.0.0.1:3999/api/labs", {
    method: "POST",
    headers: { ...(cookie ? { cookie } : {}), "content-type": "application/json" },
    ...(raw !== undefined ? { body: raw } : { body: JSON.stringify(body ?? {}) }),
  });
const carol = () => cookies[0] as string;
const dave = () => cookies[1] as string;

async function open(cookie: string): Promise<string> {
  const res = await api.open(req(cookie, { mode: "reset" }), "tp1");
  expect(res.status).toBe(200);
  return ((await res.json()) as LabSnapshot).session.id;
}

/** Reads an NDJSON reply, each message with the real time it arrived (ms since the start). */
async function* messages(res: Response): AsyncGenerator<[ExecStreamMessage, number]> {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
  const t0 = Date.now();
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buf = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        yield [JSON.parse(buf.slice(0, i)) as ExecStreamMessage, Date.now() - t0];
        buf = buf.slice(i + 1);
      }
    }
  } finally {
    reader.releaseLock();
  }
}

const streamExec = (cookie: string, id: string, terminal: string, input: string) =>
  api.exec(req(cookie, { terminal, input, stream: true }), id);

describe("streamed exec", () => {
  it("paces real time by virtual time, capped", () => {
    expect(paceMs(1_000_000)).toBe(1000);
    expect(paceMs(500_000)).toBe(500);
    expect(paceMs(60_000_000)).toBe(PACE_MAX_MS);
  });

  it("sends each turn of a loop as it is printed, a second apart, then the reply", async () => {
    const id = await open(carol());
    const got: [ExecStreamMessage, number][] = [];
    for await (const m of messages(
      await streamExec(carol(), id, "host", "for i in 1 2 3; do echo tick $i; sleep 1; done"),
    ))
      got.push(m);
    const outputs = got.filter(([m]) => m.type === "output");
    expect(outputs.map(([m]) => (m as { text: string }).text)).toEqual(["tick 1\n", "tick 2\n", "tick 3\n"]);
    // paced: a real second per virtual second once it has printed
    expect((outputs[2]?.[1] ?? 0) - (outputs[0]?.[1] ?? 0)).toBeGreaterThanOrEqual(1800);
    const last = got.at(-1)?.[0];
    expect(last?.type).toBe("done");
    const reply = (last as { reply: ExecReply }).reply;
    expect(reply.entry.output).toBe("tick 1\ntick 2\ntick 3\n");
    expect(reply.exitCode).toBe(0);
  }, 20_000);

  it("does not pace a command that printed nothing (sleep 30 returns at once) nor a plain exec", async () => {
    const id = await open(carol());
    const t0 = Date.now();
    const got: ExecStreamMessage[] = [];
    for await (const [m] of messages(await streamExec(carol(), id, "host", "sleep 30"))) got.push(m);
    expect(got.map((m) => m.type)).toEqual(["done"]);
    expect((got[0] as { reply: ExecReply }).reply.durationMs).toBeGreaterThanOrEqual(30_000);
    const plain = await api.exec(
      req(carol(), { terminal: "host", input: "for i in 1 2 3; do echo $i; sleep 2; done" }),
      id,
    );
    expect(((await plain.json()) as ExecReply).entry.output).toBe("1\n2\n3\n");
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it("Ctrl-C stops the command server-side at a logged offset; the replay stops it there too", async () => {
    const id = await open(carol());
    await api.exec(req(carol(), { terminal: "host", input: "date +%s" }), id);
    const res = await streamExec(carol(), id, "host", "while :; do date +%s; sleep 2; done");
    let printed = 0;
    let reply: ExecReply | undefined;
    let interrupted: unknown;
    for await (const [m] of messages(res)) {
      if (m.type === "output" && ++printed === 2)
        interrupted = await (await api.interrupt(req(carol(), {}), id)).json();
      if (m.type === "done") reply = m.reply;
    }
    expect(interrupted).toEqual({ interrupted: true });
    expect(reply?.exitCode).toBe(130);
    expect(reply?.entry.output.endsWith("^C\n")).toBe(true);
    const lines = reply?.entry.output.split("\n").filter((l) => /^\d+$/.test(l)) ?? [];
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeLessThanOrEqual(3);
    // the lab's clock moved by the watched time only, not the 10-minute budget
    expect(reply?.durationMs).toBeLessThan(8000);
    const after = await api.exec(req(carol(), { terminal: "host", input: "date +%s" }), id);
    const now = Number(((await after.json()) as ExecReply).entry.output);
    expect(now - Number(lines.at(-1))).toBeLessThan(5);
    const rows = await tmp.db.labEvent.findMany({ where: { labSessionId: id }, orderBy: { seq: "asc" } });
    expect(rows[1]?.interruptedAtUs).toBeGreaterThan(0);
    expect(rows[0]?.interruptedAtUs).toBeNull();
    // rebuilt from the rows: same output digests, same state
    const liveState = (await labs.inspect(id))?.state;
    labs.evict(id);
    const snap = (await (await api.get(req(carol()), id)).json()) as LabSnapshot;
    expect(snap.transcript[1]?.output).toBe(reply?.entry.output);
    const rebuilt = await labs.inspect(id);
    expect(rebuilt?.drift).toEqual([]);
    expect(liveState).toBeDefined();
    expect(rebuilt?.state).toEqual(liveState);
    // nothing running now: Ctrl-C has nothing to stop
    expect(await (await api.interrupt(req(carol(), {}), id)).json()).toEqual({ interrupted: false });
  }, 30_000);

  it("Ctrl-C reaches a pure CPU loop while it runs (the loop yields), and the rebuild stops it at the same point", async () => {
    const id = await open(carol());
    const loop = "n=0; while :; do n=$((n+1)); echo $n; done";
    const running = api.exec(req(carol(), { terminal: "host", input: loop }), id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await (await api.interrupt(req(carol(), {}), id)).json()).toEqual({ interrupted: true });
    const reply = (await (await running).json()) as ExecReply;
    expect(reply.exitCode).toBe(130);
    expect(reply.entry.output.endsWith("^C\n")).toBe(true);
    const rows = await tmp.db.labEvent.findMany({ where: { labSessionId: id }, orderBy: { seq: "asc" } });
    expect(rows.at(-1)?.interruptedAtWork).toBeGreaterThan(0);
    const liveState = (await labs.inspect(id))?.state;
    labs.evict(id);
    const snap = (await (await api.get(req(carol()), id)).json()) as LabSnapshot;
    expect(snap.transcript.at(-1)?.output).toBe(reply.entry.output);
    const rebuilt = await labs.inspect(id);
    expect(rebuilt?.drift).toEqual([]);
    expect(liveState).toBeDefined();
    expect(rebuilt?.state).toEqual(liveState);
  }, 60_000);

  it("treats the page going away as Ctrl-C (the stream is cancelled)", async () => {
    const id = await open(dave());
    const res = await streamExec(dave(), id, "host", "while :; do echo x; sleep 1; done");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    // the command ends at its next checkpoint and its row is written
    const next = await api.exec(req(dave(), { terminal: "host", input: "echo next" }), id);
    expect(next.status).toBe(200);
    const rows = await tmp.db.labEvent.findMany({ where: { labSessionId: id }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => [r.input, r.interruptedAtUs !== null])).toEqual([
      ["while :; do echo x; sleep 1; done", true],
      ["echo next", false],
    ]);
  }, 20_000);

  it("keeps the plain route's guards: 401, 404 before any stream, 400", async () => {
    const id = await open(carol());
    const anon = await streamExec(undefined as unknown as string, id, "host", "ls");
    expect(anon.status).toBe(401);
    const other = await streamExec(dave(), id, "host", "ls");
    expect(other.status).toBe(404);
    expect(other.headers.get("content-type")).toMatch(/json/);
    const bad = await api.exec(req(carol(), { terminal: "host", input: "ls", stream: "yes" }), id);
    expect(bad.status).toBe(400);
    const long = await api.exec(req(carol(), { terminal: "host", input: "x".repeat(5000), stream: true }), id);
    expect(long.status).toBe(400);
    expect(await tmp.db.labEvent.count({ where: { labSessionId: id } })).toBe(0);
  });
});
