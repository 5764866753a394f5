import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecStreamMessage } from "@/lib/labs/http";
import type { ExecReply, LabSnapshot } from "@/lib/labs/service";
import { labApiHarness } from "@/lib/labs/test-harness";
import { createFrontHandler } from "./front";
import { matchLabRoute, withLabRoutes } from "./lab-routes";

const { tmp, api, signInStudents, close } = labApiHarness();
let server: Server;
let base = "";
const toNext: string[] = [];
let alice = "";
let bob = "";
let session = "";

beforeAll(async () => {
  [alice, bob] = (await signInStudents(0, 2)) as [string, string];
  server = createServer(
    createFrontHandler(
      { trustedProxies: [], maxBodyBytes: 64 * 1024, allowedOrigins: [], hsts: false },
      withLabRoutes(
        () => api,
        (req, res) => {
          toNext.push(`${req.method} ${req.url}`);
          res.end("next");
        },
      ),
    ),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const open = await api.open(
    new Request("http://x/api/labs/tp1", {
      method: "POST",
      headers: { cookie: alice, "content-type": "application/json" },
      body: "{}",
    }),
    "tp1",
  );
  session = ((await open.json()) as LabSnapshot).session.id;
});
afterAll(async () => {
  server.close();
  await close();
  await tmp.cleanup();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("lab routes on the front server", () => {
  it("takes only POST on exec, interrupt and advance", () => {
    expect(matchLabRoute("POST", "/api/labs/sessions/abc/exec")).toEqual(["abc", "exec"]);
    expect(matchLabRoute("POST", "/api/labs/sessions/abc/interrupt?x=1")).toEqual(["abc", "interrupt"]);
    expect(matchLabRoute("POST", "/api/labs/sessions/abc/advance/")).toEqual(["abc", "advance"]);
    expect(matchLabRoute("GET", "/api/labs/sessions/abc/exec")).toBeUndefined();
    expect(matchLabRoute("POST", "/api/labs/sessions/abc/files")).toBeUndefined();
    expect(matchLabRoute("POST", "/api/labs/sessions/abc")).toBeUndefined();
    expect(matchLabRoute("POST", "/api/labs/sessions/a/b/exec")).toBeUndefined();
    expect(matchLabRoute("POST", "/api/labs/sessions/%E0%A4%A/exec")).toBeUndefined();
  });

  it("runs a command with the lab API's checks and the front server's headers, without Next", async () => {
    const before = toNext.length;
    const res = await post(
      `/api/labs/sessions/${session}/exec`,
      { terminal: "host", input: "echo front" },
      { cookie: alice },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self' 'nonce-/);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("cache-control")).toBe("no-store, no-transform");
    expect(res.headers.get("server-timing")).toMatch(
      /^lab;dur=[\d.]+;desc="[^"]+", to-worker;dur=.*, from-worker;dur=.*, log;dur=[\d.]+;desc="row committed", total;dur=[\d.]+;desc="request handler"$/,
    );
    const reply = (await res.json()) as ExecReply;
    expect(reply.entry.output).toBe("front\n");
    expect(await tmp.db.labEvent.count({ where: { labSessionId: session, input: "echo front" } })).toBe(1);
    const wait = await post(`/api/labs/sessions/${session}/advance`, { ms: 2000 }, { cookie: alice });
    expect(wait.status).toBe(200);
    expect(await wait.json()).toHaveProperty("cluster");
    const ctrlC = await post(`/api/labs/sessions/${session}/interrupt`, {}, { cookie: alice });
    expect(await ctrlC.json()).toEqual({ interrupted: false });
    expect(toNext.length).toBe(before);
    expect((await fetch(`${base}/api/labs/sessions/${session}`, { headers: { cookie: alice } })).status).toBe(200);
    expect(toNext.at(-1)).toBe(`GET /api/labs/sessions/${session}`); // the rest still goes to Next
  });

  it("refuses what the lab API and the front server refuse: no session, another's lab, bad body, foreign origin, wrong type", async () => {
    const path = `/api/labs/sessions/${session}/exec`;
    const cmd = { terminal: "host", input: "echo refusé" };
    expect((await post(path, cmd)).status).toBe(401);
    expect((await post(path, cmd, { cookie: bob })).status).toBe(404);
    expect((await post(`/api/labs/sessions/${session}/interrupt`, {}, { cookie: bob })).status).toBe(404);
    expect((await post(path, { terminal: "evil", input: "ls" }, { cookie: alice })).status).toBe(400);
    expect((await post(path, "{not json", { cookie: alice })).status).toBe(400);
    expect((await post(`/api/labs/sessions/${session}/advance`, { ms: -1 }, { cookie: alice })).status).toBe(400);
    expect((await post(path, cmd, { cookie: alice, origin: "http://evil.example" })).status).toBe(403);
    expect((await post(path, cmd, { cookie: alice, "content-type": "text/plain" })).status).toBe(415);
    expect(await tmp.db.labEvent.count({ where: { labSessionId: session, input: "echo refusé" } })).toBe(0);
  });

  it("reads the body and answers as Next's route does, without building a web Request or Response", async () => {
    const path = `/api/labs/sessions/${session}/exec`;
    // UTF-8 with a byte order mark: Request.text() drops it, so does the front server
    const bom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(JSON.stringify({ terminal: "host", input: "echo été" })),
    ]);
    const res = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: alice },
      body: bom,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("cache-control")).toBe("no-store, no-transform");
    const text = await res.text();
    expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    expect((JSON.parse(text) as ExecReply).entry.output).toBe("été\n");
    // a refusal: the same status and body as the handler's web Response (Next's route files)
    const bad = { terminal: "evil", input: "ls" };
    const viaNext = await api.exec(
      new Request(`http://x${path}`, {
        method: "POST",
        headers: { cookie: alice, "content-type": "application/json" },
        body: JSON.stringify(bad),
      }),
      session,
    );
    const viaFront = await post(path, bad, { cookie: alice });
    expect(viaFront.status).toBe(400);
    expect(viaNext.status).toBe(400);
    expect(viaFront.headers.get("content-type")).toBe(viaNext.headers.get("content-type"));
    expect(await viaFront.json()).toEqual(await viaNext.json());
  });

  it("answers the JSON replies of handlers from another copy of lib/labs/http (Next's bundle made the API first)", async () => {
    // `npm start`: the lab API is process-wide, made by whichever copy of the module asked first
    // (Next's bundled one, or the front server's): a JsonReply is known by its mark, not its class
    const copy = "@/lib/labs/http?another-copy";
    const other = (await import(/* @vite-ignore */ copy)) as typeof import("@/lib/labs/http");
    const { JsonReply } = await import("@/lib/labs/http");
    const reply = new other.JsonReply(200, { ok: "oui" }, { "cache-control": "no-store" });
    expect(reply instanceof JsonReply).toBe(false);
    const front = createServer(
      withLabRoutes(
        () => ({ ...api, raw: { ...api.raw, advance: async () => reply } }),
        (_req, res) => {
          res.end("next");
        },
      ),
    );
    await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
    try {
      const { port } = front.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/api/labs/sessions/${session}/advance`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: alice },
        body: JSON.stringify({ ms: 1000 }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.json()).toEqual({ ok: "oui" });
    } finally {
      front.close();
    }
  });

  it("streams a command's output as NDJSON, and a client that goes away interrupts it", async () => {
    const res = await post(
      `/api/labs/sessions/${session}/exec`,
      { terminal: "host", input: "echo un; sleep 1; echo deux", stream: true },
      { cookie: alice },
    );
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as ExecStreamMessage);
    expect(lines.filter((m) => m.type === "output").map((m) => (m as { text: string }).text)).toEqual([
      "un\n",
      "deux\n",
    ]);
    expect(lines.at(-1)).toMatchObject({ type: "done", reply: { exitCode: 0 } });

    const gone = new AbortController();
    const long = await fetch(`${base}/api/labs/sessions/${session}/exec`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: alice },
      body: JSON.stringify({ terminal: "host", input: "echo début; sleep 600; echo fin", stream: true }),
      signal: gone.signal,
    });
    const reader = (long.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("début");
    gone.abort();
    for (let i = 0; i < 100; i++) {
      const row = await tmp.db.labEvent.findFirst({
        where: { labSessionId: session, input: { startsWith: "echo début" } },
      });
      if (row) {
        expect(row.output).not.toContain("fin");
        expect(row.interruptedAtWork ?? row.interruptedAtUs).not.toBeNull();
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the interrupted command was never stored");
  });
});
