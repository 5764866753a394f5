import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outputDigest } from "@/engine/index";
import { DEMO_INSTRUCTOR, DEMO_STUDENTS } from "@/lib/demo-seed";
import type { ExecReply, LabSnapshot } from "./service";
import {
  FR_STORAGE_FULL,
  labStorageUsage,
  resetLabStorage,
  StorageMeter,
  storageLimitsFromEnv,
  storedBytes,
  storedOutput,
} from "./storage";
import { labApiHarness } from "./test-harness";

const { tmp, labs, deps, api, signInStudents, close } = labApiHarness();
deps.storage = { maxOutputBytes: 300, quotaBytes: 3000 };
// usage read once, then counted command by command; an instructor's reset reaches it at once
deps.meter = new StorageMeter(3_600_000);
let cookie = "";
let studentId = "";
let instructorId = "";

beforeAll(async () => {
  [cookie] = (await signInStudents(2, 3)) as [string];
  const student = DEMO_STUDENTS[2] as (typeof DEMO_STUDENTS)[number];
  studentId = (await tmp.db.user.findUniqueOrThrow({ where: { email: student.email } })).id;
  instructorId = (await tmp.db.user.findUniqueOrThrow({ where: { email: DEMO_INSTRUCTOR.email } })).id;
});
afterAll(async () => {
  await close();
  tmp.cleanup();
});

const req = (body?: unknown) =>
  new Request("http://127.0.0.1:3999/api/labs", {
    method: body === undefined ? "GET" : "POST",
    headers: { cookie, "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

describe("stored output", () => {
  it("keeps small outputs whole and cuts long ones at a character boundary with a marker", () => {
    expect(storedOutput("ok\n", 10)).toBe("ok\n");
    const long = "é".repeat(100); // 200 bytes
    const cut = storedOutput(long, 51);
    expect(cut.startsWith("é".repeat(25))).toBe(true);
    expect(cut).not.toContain("\uFFFD");
    expect(cut).toContain("[… 150 octets de sortie non conservés");
    expect(storedBytes("ab", "é")).toBe(4);
    expect(storageLimitsFromEnv({}).maxOutputBytes).toBe(64 * 1024);
    expect(storageLimitsFromEnv({ LAB_OUTPUT_STORED_KIB: "8", LAB_STORAGE_QUOTA_MIB: "1" })).toEqual({
      maxOutputBytes: 8192,
      quotaBytes: 1024 * 1024,
    });
  });
});

describe("lab storage per learner", () => {
  let sessionId = "";

  it("stores a capped output, digest over the whole output, and replays it without drift", async () => {
    const open = await api.open(req({}), "tp1");
    sessionId = ((await open.json()) as LabSnapshot).session.id;
    const res = await api.exec(req({ terminal: "host", input: "seq 1 400" }), sessionId);
    expect(res.status).toBe(200);
    const reply = (await res.json()) as ExecReply;
    expect(reply.entry.output).toContain("\n400\n"); // the learner sees everything
    const row = await tmp.db.labEvent.findFirstOrThrow({ where: { labSessionId: sessionId, input: "seq 1 400" } });
    expect(Buffer.byteLength(row.output)).toBeLessThan(400);
    expect(row.output).toMatch(/^1\n2\n3\n/);
    expect(row.output).toContain("octets de sortie non conservés");
    const full = Array.from({ length: 400 }, (_, i) => `${i + 1}\n`).join("");
    expect(row.outputDigest).toBe(outputDigest(full, ""));
    const used = (await tmp.db.user.findUniqueOrThrow({ where: { id: studentId } })).labStorageBytes;
    expect(used).toBe(storedBytes("seq 1 400", row.output));

    labs.evict(sessionId);
    const again = (await (await api.get(req(), sessionId)).json()) as LabSnapshot;
    expect(again.transcript.at(-1)?.output).toBe(row.output);
    const after = await api.exec(req({ terminal: "host", input: "echo encore" }), sessionId);
    expect(after.status).toBe(200);

    // UTF-8 bytes, not characters, are charged (by the row's INSERT trigger)
    const before = (await tmp.db.user.findUniqueOrThrow({ where: { id: studentId } })).labStorageBytes;
    expect(before).toBe(used + storedBytes("echo encore", "encore\n"));
    expect((await api.exec(req({ terminal: "host", input: "echo ééé €" }), sessionId)).status).toBe(200);
    const accented = (await tmp.db.user.findUniqueOrThrow({ where: { id: studentId } })).labStorageBytes;
    expect(accented - before).toBe(storedBytes("echo ééé €", "ééé €\n"));
    expect(accented - before).toBe(15 + 11); // "echo ééé €" and "ééé €\n", not 10 + 6 characters
  });

  it("refuses commands once the quota is used (507, French), stores nothing, until the instructor resets it", async () => {
    let status = 200;
    for (let i = 0; i < 30 && status === 200; i++) {
      status = (await api.exec(req({ terminal: "host", input: "seq 1 400" }), sessionId)).status;
    }
    expect(status).toBe(507);
    const rows = await tmp.db.labEvent.count({ where: { labSessionId: sessionId } });
    const refused = await api.exec(req({ terminal: "host", input: "echo refusé" }), sessionId);
    expect(refused.status).toBe(507);
    expect(((await refused.json()) as { error: string }).error).toBe(FR_STORAGE_FULL);
    const streamed = await api.exec(req({ terminal: "host", input: "echo refusé", stream: true }), sessionId);
    expect(streamed.status).toBe(507);
    expect(await tmp.db.labEvent.count({ where: { labSessionId: sessionId } })).toBe(rows);

    const instructor = { id: instructorId, role: "instructor" as const };
    const usage = await labStorageUsage(tmp.db, instructor, studentId, deps.storage);
    expect(usage?.quotaBytes).toBe(3000);
    expect(usage?.usedBytes).toBeGreaterThanOrEqual(3000);
    // another instructor, or a student, neither sees nor resets it
    const stranger = { id: "nobody", role: "instructor" as const };
    expect(await labStorageUsage(tmp.db, stranger, studentId)).toBeNull();
    expect(await resetLabStorage(tmp.db, stranger, studentId)).toBe(false);
    expect(await resetLabStorage(tmp.db, { id: studentId, role: "student" }, studentId)).toBe(false);
    expect(await api.exec(req({ terminal: "host", input: "echo toujours" }), sessionId)).toHaveProperty("status", 507);

    expect(await resetLabStorage(tmp.db, instructor, studentId)).toBe(true);
    expect((await labStorageUsage(tmp.db, instructor, studentId, deps.storage))?.usedBytes).toBe(0);
    expect((await api.exec(req({ terminal: "host", input: "echo reparti" }), sessionId)).status).toBe(200);
  });
});
