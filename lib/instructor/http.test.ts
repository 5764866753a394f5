// biome-ignore-all lint/suspicious/noExplicitAny: route handler JSON bodies are inspected loosely in tests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COHORT_NAME, DEMO_INSTRUCTOR } from "@/lib/demo-seed";
import { sessionViewer } from "@/lib/grading/authenticate";
import { labApiHarness } from "@/lib/labs/test-harness";
import { createInstructorApi } from "./http";
import type { LiveClass } from "./live";

const h = labApiHarness();
let now = new Date();
const api = createInstructorApi({
  db: h.tmp.db,
  authenticate: sessionViewer(() => h.auth),
  labs: h.labs,
  now: () => now,
});
const OTHER = { email: "autre@drbd-lab.local", password: "autre-formateur-1", name: "Autre Formateur" };
let alice = "";
let bob = "";
let teacher = "";
let otherTeacher = "";
let cohortId = "";
let aliceLab = "";

async function cookieFor(email: string, password: string) {
  const { headers } = await h.auth.api.signInEmail({ body: { email, password }, returnHeaders: true });
  return (headers.get("set-cookie") ?? "").split(";")[0] as string;
}

const url = "http://127.0.0.1:3999/api";
const get = (cookie: string | undefined, path: string) =>
  new Request(`${url}${path}`, { headers: cookie ? { cookie } : {} });
const post = (cookie: string, body: unknown) =>
  new Request(`${url}/labs`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function exec(cookie: string, id: string, terminal: string, input: string) {
  const res = await h.api.exec(post(cookie, { terminal, input }), id);
  expect(res.status).toBe(200);
}

async function live(cookie: string | undefined, id = cohortId) {
  const res = await api.live(get(cookie, `/formateur/classes/${id}/live`), id);
  return { status: res.status, body: (await res.json()) as any };
}

async function replay(cookie: string | undefined, id: string, at?: string) {
  const res = await api.replay(get(cookie, `/replay/${id}${at !== undefined ? `?at=${at}` : ""}`), id);
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  const students = await h.signInStudents(0, 2);
  alice = students[0] as string;
  bob = students[1] as string;
  await h.auth.api.createUser({ body: { ...OTHER, role: "instructor" } });
  teacher = await cookieFor(DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password);
  otherTeacher = await cookieFor(OTHER.email, OTHER.password);
  cohortId = (await h.tmp.db.cohort.findFirstOrThrow({ where: { name: DEMO_COHORT_NAME } })).id;
  const res = await h.api.open(post(alice, {}), "tp3");
  aliceLab = ((await res.json()) as any).session.id;
  // TP3's planned failover, then a command that fails three times
  for (const [t, c] of [
    ["node1", "umount /mnt/drbd"],
    ["node1", "drbdadm secondary r0"],
    ["node2", "drbdadm primary r0"],
    ["node2", "mkdir -p /mnt/drbd"],
    ["node2", "mount /dev/drbd0 /mnt/drbd"],
    ["node1", "drbdadm primary r0"],
    ["node1", "drbdadm primary r0"],
    ["node1", "drbdadm primary r0"],
  ] as const)
    await exec(alice, aliceLab, t, c);
}, 120_000);
afterAll(async () => {
  await h.close();
  h.tmp.cleanup();
});

describe("live class view", () => {
  it("answers 401 anonymous, 403 to a student, 404 for another instructor's or an unknown class", async () => {
    expect((await live(undefined)).status).toBe(401);
    expect((await live(alice)).status).toBe(403);
    expect((await live(otherTeacher)).status).toBe(404);
    expect((await live(teacher, "nope")).status).toBe(404);
  });

  it("shows the lab in use, the last command, the checks that hold and why the learner is stuck", async () => {
    now = new Date();
    const { status, body } = await live(teacher);
    expect(status).toBe(200);
    const view = body as LiveClass;
    const a = view.learners.find((l) => l.lab?.sessionId === aliceLab);
    expect(a?.lab).toMatchObject({ labId: "tp3", title: "TP3 : Failover et haute disponibilité" });
    expect(a?.lastCommand).toMatchObject({ input: "drbdadm primary r0", target: "node1" });
    expect(a?.lastCommand?.exitCode).not.toBe(0);
    // the planned failover holds on the live lab, the rest of TP3 does not yet
    expect(a?.checks).toMatchObject({ held: 1, total: 6 });
    expect(a?.checks?.labels[0]).toMatch(/^Bascule planifiée réussie/);
    expect(a?.stuck).toEqual(["la même commande échoue 3 fois de suite : « drbdadm primary r0 »"]);
    // a learner without a lab is listed, not stuck
    const others = view.learners.filter((l) => l.lab === null);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((l) => l.stuck.length === 0)).toBe(true);
  });

  it("says no progress after 10 minutes without a new check holding", async () => {
    now = new Date(Date.now() + 11 * 60_000);
    const { body } = await live(teacher);
    const a = (body as LiveClass).learners.find((l) => l.lab?.sessionId === aliceLab);
    expect(a?.stuck[0]).toMatch(/^aucun progrès depuis 1[01] min$/);
    now = new Date();
  });
});

describe("replay", () => {
  it("lets the learner and their instructor replay the lab, nobody else", async () => {
    expect((await replay(undefined, aliceLab)).status).toBe(401);
    expect((await replay(bob, aliceLab)).status).toBe(404);
    expect((await replay(otherTeacher, aliceLab)).status).toBe(404);
    expect((await replay(teacher, "nope")).status).toBe(404);
    expect((await replay(alice, aliceLab)).status).toBe(200);
    expect((await replay(teacher, aliceLab, "abc")).status).toBe(400);
  });

  it("gives the steps, the state history and the cluster as it was after any command", async () => {
    const { status, body } = await replay(teacher, aliceLab);
    expect(status).toBe(200);
    expect(body.learner).toBe("Étudiant 1");
    expect(body.steps.map((s: any) => s.input)).toContain("drbdadm secondary r0");
    const promote = body.history.find(
      (e: any) => e.node === "node2" && e.object === "resource" && e.changes[0]?.to === "Primary",
    );
    expect(body.steps.find((s: any) => s.seq === promote.seq)?.input).toBe("drbdadm primary r0");
    const role = (frame: any, node: string) =>
      frame.cluster.nodes.find((n: any) => n.name === node).resources[0]?.role as string;
    expect(role(body.frame, "node1")).toBe("Primary");
    const before = await replay(teacher, aliceLab, String(promote.seq - 1));
    expect(role(before.body.frame, "node2")).toBe("Secondary");
    const after = await replay(alice, aliceLab, String(promote.seq));
    expect(role(after.body.frame, "node2")).toBe("Primary");
    expect(role(after.body.frame, "node1")).toBe("Secondary");
  });
});
