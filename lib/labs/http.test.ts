import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLabApi } from "./http";
import { CommandRateLimiter, FR_TOO_MANY } from "./limits";
import { type ExecReply, type LabSnapshot, serverTiming } from "./service";
import { labApiHarness } from "./test-harness";

const { tmp, labs, deps, api, signInStudents, close } = labApiHarness();
const cookies: string[] = [];

beforeAll(async () => {
  cookies.push(...(await signInStudents(0, 2)));
});
afterAll(async () => {
  await close();
  tmp.cleanup();
});

const req = (cookie: string | undefined, body?: unknown, raw?: string) =>
  new Request("http://127.0.0.1:3999/api/labs", {
    method: body === undefined && raw === undefined ? "GET" : "POST",
    headers: { ...(cookie ? { cookie } : {}), "content-type": "application/json" },
    ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

const alice = () => cookies[0] as string;
const bob = () => cookies[1] as string;

async function open(cookie: string, labId = "tp1", mode?: string): Promise<LabSnapshot> {
  const res = await api.open(req(cookie, mode ? { mode } : {}), labId);
  expect(res.status).toBe(200);
  return (await res.json()) as LabSnapshot;
}

async function exec(cookie: string, id: string, terminal: string, input: string): Promise<ExecReply> {
  const res = await api.exec(req(cookie, { terminal, input }), id);
  expect(res.status).toBe(200);
  return (await res.json()) as ExecReply;
}

describe("lab API", () => {
  it("requires a signed-in user on every route", async () => {
    const lab = await open(alice());
    const calls = [
      api.open(req(undefined, {}), "tp1"),
      api.get(req(undefined), lab.session.id),
      api.exec(req(undefined, { terminal: "host", input: "ls" }), lab.session.id),
      api.advance(req(undefined, { ms: 1000 }), lab.session.id),
      api.interrupt(req(undefined, {}), lab.session.id),
      api.exec(req("better-auth.session_token=forged", { terminal: "host", input: "ls" }), lab.session.id),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe("Connectez-vous pour utiliser le lab.");
    }
    expect(await tmp.db.labEvent.count({ where: { labSessionId: lab.session.id } })).toBe(0);
  });

  it("resumes the same lab, runs commands and moves the tab into a node on docker exec", async () => {
    const lab = await open(alice());
    expect((await open(alice())).session.id).toBe(lab.session.id);
    expect(lab.tabs.map((t) => t.machine)).toEqual(["host", "node1", "node2"]);
    expect(lab.tabs[0]?.prompt).toBe("student@docker-host:~$ ");
    await exec(alice(), lab.session.id, "host", "cd drbd-workshop");
    const up = await exec(alice(), lab.session.id, "host", "docker-compose up -d");
    expect(up.exitCode).toBe(0);
    expect(up.cluster.nodes.map((n) => n.status)).toEqual(["running", "running"]);
    const enter = await exec(alice(), lab.session.id, "host", "docker exec -it drbd-node1 bash");
    expect(enter.machineAfter).toBe("node1");
    // node1's tab now types into the host terminal that entered it; the host tab gets a new one
    expect(enter.tabs.find((t) => t.machine === "node1")).toMatchObject({ terminal: "host", prompt: "root@node1:/# " });
    expect(enter.tabs.find((t) => t.machine === "host")?.terminal).toBe("host#t2");
    const cat = await exec(alice(), lab.session.id, "host", "cat /etc/drbd.d/r0.res");
    expect(cat.entry).toMatchObject({ machine: "node1", prompt: "root@node1:/# " });
    expect(cat.entry.output).toContain("resource r0");
    const rows = await tmp.db.labEvent.findMany({ where: { labSessionId: lab.session.id }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => [r.seq, r.target, r.input])).toEqual([
      [0, "host", "cd drbd-workshop"],
      [1, "host", "docker-compose up -d"],
      [2, "host", "docker exec -it drbd-node1 bash"],
      [3, "host", "cat /etc/drbd.d/r0.res"],
    ]);
    expect(rows[3]?.output).toBe(cat.entry.output);
  });

  it("says in Server-Timing where a command's time went on the server", async () => {
    const lab = await open(alice());
    const res = await api.exec(req(alice(), { terminal: "host", input: "sleep 30; echo fin" }), lab.session.id);
    expect(res.status).toBe(200);
    const parts = (res.headers.get("server-timing") ?? "").split(", ").map((p) => {
      const [name, dur] = p.split(";");
      return [name, Number(dur?.replace("dur=", ""))] as const;
    });
    expect(parts.map(([name]) => name)).toEqual([
      "lab",
      "to-worker",
      "from-worker",
      "wait",
      "run",
      "checks",
      "log",
      "total",
    ]);
    for (const [, ms] of parts) expect(ms).toBeGreaterThanOrEqual(0);
    // the whole request holds its parts
    const t = Object.fromEntries(parts);
    const sum = t.lab + t["to-worker"] + t["from-worker"] + t.wait + t.run + t.checks + t.log;
    expect(t.total).toBeGreaterThanOrEqual(sum - 0.5);
    // virtual time is free: 30 s of sleep take no real time
    expect(Object.fromEntries(parts).run).toBeLessThan(5000);
    // the header is not in the body
    expect(Object.keys(await res.json())).not.toContain("timing");
  });

  it("formats Server-Timing from the request thread's and the worker's measures", () => {
    const inWorker = (run: number, arrivedAt: number) => ({ wait: 2, run, after: 0.5, arrivedAt });
    // sent at 1000, reached the worker's code at 1001.5, its reply read at 1010
    const header = serverTiming({ lab: 0.42, worker: 10, sentAt: 1000, log: 1.26, inWorker: inWorker(5.55, 1001.5) });
    expect(header).toBe(
      'lab;dur=0.4;desc="session and previous command", ' +
        'to-worker;dur=1.5;desc="request waiting for the lab worker", ' +
        'from-worker;dur=0.5;desc="reply waiting for the request thread", ' +
        'wait;dur=2.0;desc="lab busy in its worker", run;dur=5.5;desc="engine", ' +
        'checks;dur=0.5;desc="live checks and views", log;dur=1.3;desc="row committed"',
    );
    const base = { lab: 0, worker: 10, sentAt: 1000, log: 0 };
    expect(serverTiming({ ...base, inWorker: inWorker(5, 1001), total: 13.04 })).toMatch(
      /, total;dur=13\.0;desc="request handler"$/,
    );
    // two threads' clocks: the parts never go below 0 nor outside the measured round trip
    expect(serverTiming({ ...base, worker: 1, inWorker: inWorker(2, 1001) })).toContain(
      'to-worker;dur=0.0;desc="request waiting for the lab worker", from-worker;dur=0.0;',
    );
    expect(serverTiming({ ...base, inWorker: inWorker(5, 999) })).toContain("to-worker;dur=0.0;");
    expect(serverTiming({ ...base, inWorker: inWorker(5, 1009) })).toContain("to-worker;dur=2.5;");
  });

  it("hides a learner's lab from another learner (404, nothing recorded)", async () => {
    const lab = await open(alice());
    const before = await tmp.db.labEvent.count({ where: { labSessionId: lab.session.id } });
    for (const res of [
      await api.get(req(bob()), lab.session.id),
      await api.exec(req(bob(), { terminal: "host", input: "ls" }), lab.session.id),
      await api.advance(req(bob(), { ms: 500 }), lab.session.id),
      await api.interrupt(req(bob(), {}), lab.session.id),
    ])
      expect(res.status).toBe(404);
    expect(await tmp.db.labEvent.count({ where: { labSessionId: lab.session.id } })).toBe(before);
    expect((await open(bob())).session.id).not.toBe(lab.session.id);
    expect((await api.open(req(alice(), {}), "tp9")).status).toBe(404);
    expect((await api.open(req(alice(), { mode: "previous" }), "tp1")).status).toBe(404);
  });

  it("answers 400 in French to invalid payloads", async () => {
    const id = (await open(alice())).session.id;
    const bad: [string, (r: Request) => Promise<Response>, unknown, string?][] = [
      ["exec", (r) => api.exec(r, id), { terminal: "host" }],
      ["exec", (r) => api.exec(r, id), { terminal: "nodeX", input: "ls" }],
      ["exec", (r) => api.exec(r, id), { terminal: "host", input: 42 }],
      ["exec", (r) => api.exec(r, id), { terminal: "host", input: "ls", extra: 1 }],
      ["exec", (r) => api.exec(r, id), undefined, "{not json"],
      ["advance", (r) => api.advance(r, id), { ms: -5 }],
      ["advance", (r) => api.advance(r, id), { ms: 1.5 }],
      ["open", (r) => api.open(r, "tp1"), { mode: "later" }],
    ];
    for (const [, call, body, raw] of bad) {
      const res = await call(req(alice(), body, raw));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^Requête invalide/);
    }
    const long = await api.exec(req(alice(), { terminal: "host", input: "x".repeat(5000) }), id);
    expect(long.status).toBe(400);
    expect(((await long.json()) as { error: string }).error).toBe("Commande trop longue : 4096 caractères au maximum.");
  });

  it("refuses a lone surrogate in a command or a file with a French 400 before anything runs or is stored", async () => {
    const lab = await open(alice(), "tp1", "reset");
    const id = lab.session.id;
    await exec(alice(), id, "host", "echo avant");
    const rows = await tmp.db.labEvent.count({ where: { labSessionId: id } });
    const bad = [
      api.exec(req(alice(), { terminal: "host", input: "echo \udc00\ud800" }), id),
      api.exec(req(alice(), { terminal: "host", input: "echo \ud83d" }), id),
      api.writeFile(
        req(alice(), { path: "/etc/drbd.d/r0.res", content: "resource r0 {\ud800}", nodes: ["node1"] }),
        id,
      ),
    ];
    for (const res of await Promise.all(bad)) {
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe(
        "Requête invalide : texte mal encodé (caractère Unicode incomplet).",
      );
    }
    expect(await tmp.db.labEvent.count({ where: { labSessionId: id } })).toBe(rows);
    // the lab is intact and a well-formed pair (an emoji) is fine
    const after = await exec(alice(), id, "host", "echo ok 😀");
    expect(after.entry.seq).toBe(rows);
    expect(after.entry.output).toContain("ok 😀");
  });

  it("limits commands per second per learner with a French error", async () => {
    const strict = createLabApi({ ...deps, rate: new CommandRateLimiter({ commandsPerSecond: 1, burst: 2 }) });
    const id = (await open(bob())).session.id;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await strict.exec(req(bob(), { terminal: "host", input: "true" }), id);
      statuses.push(res.status);
      if (res.status === 429) {
        expect(((await res.json()) as { error: string }).error).toBe(FR_TOO_MANY);
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      }
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    // alice's bucket is her own
    const other = await strict.exec(
      req(alice(), { terminal: "host", input: "true" }),
      (await open(alice())).session.id,
    );
    expect(other.status).toBe(200);
  });

  it("merges consecutive waits into one row and caps a wait request", async () => {
    const lab = await open(alice(), "tp1", "reset");
    const id = lab.session.id;
    await exec(alice(), id, "host", "cd drbd-workshop");
    for (const ms of [2000, 2000, 90_000]) expect((await api.advance(req(alice(), { ms }), id)).status).toBe(200);
    await exec(alice(), id, "host", "true");
    expect((await api.advance(req(alice(), { ms: 700 }), id)).status).toBe(200);
    const rows = await tmp.db.labEvent.findMany({ where: { labSessionId: id }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => [r.seq, r.target, r.input])).toEqual([
      [0, "host", "cd drbd-workshop"],
      [1, "lab", "wait 2000*2+30000"],
      [2, "host", "true"],
      [3, "lab", "wait 700"],
    ]);
    expect(rows[2]?.virtualTimeMs).toBeGreaterThanOrEqual(34_000);
  });

  it("rebuilds an evicted lab by replay: same state, same transcript, same prompts", async () => {
    const lab = await open(alice(), "tp1", "reset");
    const id = lab.session.id;
    for (const [t, c] of [
      ["host", "cd drbd-workshop && docker-compose up -d"],
      ["node1", "drbdadm create-md r0 && drbdadm up r0 && drbdadm primary --force r0"],
      ["node2", "drbdadm create-md r0 && drbdadm up r0"],
    ] as const)
      await exec(alice(), id, t, c);
    await api.advance(req(alice(), { ms: 3000 }), id);
    await api.advance(req(alice(), { ms: 1500 }), id);
    const live = (await (await api.get(req(alice()), id)).json()) as LabSnapshot;
    const syncing = live.cluster.nodes[0]?.resources[0]?.peers[0];
    expect(syncing?.replication).toBe("SyncSource");
    expect(syncing?.done).toBeGreaterThan(0);
    const liveState = (await labs.inspect(id))?.state;
    labs.evict(id);
    expect(await labs.inspect(id)).toBeNull();
    const rebuilt = (await (await api.get(req(alice()), id)).json()) as LabSnapshot;
    expect(rebuilt).toEqual(live);
    const rebuiltLab = await labs.inspect(id);
    expect(liveState).toBeDefined();
    expect(rebuiltLab?.state).toEqual(liveState);
    expect(rebuiltLab?.drift).toEqual([]);
    // and it goes on from there
    const next = await exec(alice(), id, "node1", "drbdadm status r0");
    expect(next.entry.seq).toBe(4);
  });

  it("starts TP2 from the end of TP1 (tp1.done), and reset abandons the old session", async () => {
    const tp2 = await open(alice(), "tp2", "previous");
    expect(tp2.session.scenario).toBe("tp1.done");
    expect(tp2.cluster.nodes[0]?.mounts).toEqual([{ device: "/dev/drbd0", mountpoint: "/mnt/drbd" }]);
    expect(tp2.cluster.nodes[1]?.resources[0]).toMatchObject({ role: "Secondary", disk: "UpToDate" });
    const again = await open(alice(), "tp2", "reset");
    expect(again.session.id).not.toBe(tp2.session.id);
    expect((await api.get(req(alice()), tp2.session.id)).status).toBe(404);
    const old = await tmp.db.labSession.findUnique({ where: { id: tp2.session.id } });
    expect(old?.status).toBe("abandoned");
  });

  it("applies an edited config on the chosen nodes as a logged heredoc that replays", async () => {
    const id = (await open(bob(), "tp1", "reset")).session.id;
    await exec(bob(), id, "host", "cd drbd-workshop && docker-compose up -d");
    const get = async (node: string) => {
      const res = await api.files(
        new Request(`http://127.0.0.1:3999/api/labs/x/files?node=${node}`, { headers: { cookie: bob() } }),
        id,
      );
      expect(res.status).toBe(200);
      return ((await res.json()) as { files: Record<string, string> }).files;
    };
    const original = (await get("node1"))["/etc/drbd.d/r0.res"] as string;
    expect(original).toContain("protocol C;");
    const edited = original.replace("protocol C;", "protocol A;");
    const res = await api.writeFile(
      req(bob(), { path: "/etc/drbd.d/r0.res", content: edited, nodes: ["node1", "node2"] }),
      id,
    );
    expect(res.status).toBe(200);
    expect((await get("node2"))["/etc/drbd.d/r0.res"]).toBe(edited.endsWith("\n") ? edited : `${edited}\n`);
    const rows = await tmp.db.labEvent.findMany({ where: { labSessionId: id }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => r.target)).toEqual(["host", "node1#editor", "node2#editor"]);
    labs.evict(id);
    expect((await get("node1"))["/etc/drbd.d/r0.res"]).toContain("protocol A;");
    for (const body of [
      { path: "/etc/passwd", content: "x", nodes: ["node1"] },
      { path: "/etc/drbd.d/r0.res", content: "x", nodes: [] },
      { path: "/etc/drbd.d/r0.res", content: "x\nDRBDLAB_EOF\n", nodes: ["node1"] },
    ]) {
      const bad = await api.writeFile(req(bob(), body), id);
      expect(bad.status).toBe(400);
    }
    expect(
      (await api.writeFile(req(alice(), { path: "/etc/drbd.d/r0.res", content: "x", nodes: ["node1"] }), id)).status,
    ).toBe(404);
  });

  it("stores a benchmark.sh write result as the learner's BenchmarkRun and lists it", async () => {
    const id = (await open(alice(), "tp2", "previous")).session.id;
    const run = await exec(alice(), id, "node1", "/scripts/benchmark.sh write");
    expect(run.entry.output).toContain("Results - Protocol C");
    const res = await api.benchmarks(req(alice()));
    const { runs } = (await res.json()) as { runs: { protocol: string; throughputMBs: number; latencyMs: number }[] };
    expect(runs.at(-1)?.protocol).toBe("C");
    expect(runs.at(-1)?.throughputMBs).toBeGreaterThan(0);
    expect(runs.at(-1)?.latencyMs).toBeGreaterThan(0);
    const bobs = (await (await api.benchmarks(req(bob()))).json()) as { runs: unknown[] };
    expect(bobs.runs).toEqual([]);
    expect((await api.benchmarks(req(undefined))).status).toBe(401);
  });
});
