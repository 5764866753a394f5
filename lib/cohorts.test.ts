import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCohort, findCohortByJoinCode, listCohortsWithStudents, teachesStudent } from "./cohorts";
import { createTempDatabase } from "./testing/temp-db";

const tmp = createTempDatabase();
afterAll(() => tmp.cleanup());

beforeAll(async () => {
  for (const [id, role] of [
    ["prof-a", "instructor"],
    ["prof-b", "instructor"],
    ["admin", "admin"],
    ["eleve", "student"],
  ] as const) {
    await tmp.db.user.create({ data: { id, name: id, email: `${id}@exemple.fr`, role } });
  }
});

describe("classes", () => {
  it("retries join codes that are already taken", async () => {
    const codes = ["DRBD-AAAA", "DRBD-AAAA", "DRBD-BBBB"];
    const first = await createCohort(tmp.db, "prof-a", "A1", () => codes.shift() as string);
    const second = await createCohort(tmp.db, "prof-a", "A2", () => codes.shift() as string);
    expect([first.joinCode, second.joinCode]).toEqual(["DRBD-AAAA", "DRBD-BBBB"]);
    expect((await findCohortByJoinCode(tmp.db, "DRBD-BBBB"))?.name).toBe("A2");
    expect(await findCohortByJoinCode(tmp.db, "DRBD-CCCC")).toBeNull();
  });

  it("shows an instructor only their own classes, an admin all of them", async () => {
    const b = await createCohort(tmp.db, "prof-b", "B1");
    await tmp.db.enrollment.create({ data: { userId: "eleve", cohortId: b.id } });
    const forA = await listCohortsWithStudents(tmp.db, { id: "prof-a", role: "instructor" });
    const forB = await listCohortsWithStudents(tmp.db, { id: "prof-b", role: "instructor" });
    const forAdmin = await listCohortsWithStudents(tmp.db, { id: "admin", role: "admin" });
    expect(forA.map((c) => c.name)).toEqual(["A1", "A2"]);
    expect(forB.map((c) => c.name)).toEqual(["B1"]);
    expect(forB[0]?.enrollments.map((e) => e.user.email)).toEqual(["eleve@exemple.fr"]);
    expect(forAdmin.map((c) => c.name)).toEqual(["A1", "A2", "B1"]);
  });

  it("knows which instructor teaches which student", async () => {
    expect(await teachesStudent(tmp.db, "prof-b", "eleve")).toBe(true);
    expect(await teachesStudent(tmp.db, "prof-a", "eleve")).toBe(false);
  });
});
