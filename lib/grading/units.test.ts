import { describe, expect, it } from "vitest";
import type { GradeResult } from "@/graders";
import type { ClassView } from "./class-view";
import { gradebookCsv } from "./csv";
import { eventsFromRows } from "./lab-log";
import { effectiveScore } from "./progress";
import { withUnlockedHints } from "./submit";

describe("lab log", () => {
  it("splits merged waits back into their steps, in microseconds", () => {
    expect(
      eventsFromRows([
        { target: "node1", input: "drbdadm up r0" },
        { target: "lab", input: "wait 2000*2+500" },
      ]),
    ).toEqual([
      { kind: "exec", target: "node1", input: "drbdadm up r0" },
      { kind: "wait", durationUs: 2_000_000 },
      { kind: "wait", durationUs: 2_000_000 },
      { kind: "wait", durationUs: 500_000 },
    ]);
  });
  it("refuses a malformed wait row", () => {
    expect(() => eventsFromRows([{ target: "lab", input: "wait soon" }])).toThrow();
  });
});

describe("hints", () => {
  const result: GradeResult = {
    exercise: "x",
    graderVersion: 1,
    score: 1,
    max: 3,
    valid: true,
    checks: [
      { id: "a", passed: false, points: 0, max: 1, message: "non", hint: "h-a" },
      { id: "b", passed: true, points: 1, max: 1, message: "oui" },
      { id: "c", passed: false, points: 0, max: 1, message: "non", hint: "h-c" },
    ],
  };
  it("unlock one failing check's hint per failed attempt", () => {
    const hints = (n: number) => withUnlockedHints(result, n).checks.map((c) => c.hint ?? null);
    expect(hints(0)).toEqual([null, null, null]);
    expect(hints(1)).toEqual(["h-a", null, null]);
    expect(hints(5)).toEqual(["h-a", null, "h-c"]);
  });
});

describe("effective score", () => {
  const d = (s: number) => new Date(s * 1000);
  it("the latest override wins over any grading, else the latest grading", () => {
    const gradings = [
      { score: 2, createdAt: d(1) },
      { score: 5, createdAt: d(3) },
    ];
    expect(effectiveScore({ gradings, overrides: [] })).toBe(5);
    expect(effectiveScore({ gradings, overrides: [{ score: 1, createdAt: d(2) }] })).toBe(1);
    expect(effectiveScore({ gradings: [], overrides: [] })).toBeUndefined();
  });
});

describe("gradebook CSV", () => {
  const view: ClassView = {
    students: [
      { id: "u1", name: "=HYPERLINK(1)", email: "a@x", totalPercent: 12, struggling: false },
      { id: "u2", name: 'Zoé "la; pro"', email: "z@x", totalPercent: 0, struggling: false },
    ],
    exercises: [
      { id: "ex1.2", title: "", chapter: "tp1", points: 9 },
      { id: "ex2.1", title: "", chapter: "tp2", points: 16 },
    ],
    cells: { u1: { "ex1.2": { percent: 83, bestScore: 7.5, maxScore: 9, attempts: 2, lastActivityAt: "" } } },
    stats: [],
    review: [],
  };
  it("quotes, neutralises formulas, uses ; and a decimal comma, leaves unattempted cells empty", () => {
    const lines = gradebookCsv(view).slice(1).split("\r\n");
    expect(lines[0]).toBe("Nom;E-mail;ex1.2 (/9);ex2.1 (/16);Total (%)");
    expect(lines[1]).toBe("'=HYPERLINK(1);a@x;7,5;;12");
    expect(lines[2]).toBe('"Zoé ""la; pro""";z@x;;;0');
  });

  it("neutralises cells that start with a tab or a carriage return too", () => {
    const evil: ClassView = {
      ...view,
      students: [
        { id: "u1", name: "\t=1+1", email: "a@x", totalPercent: 0, struggling: false },
        { id: "u2", name: "\r=cmd|' /C calc'!A0", email: "b@x", totalPercent: 0, struggling: false },
        { id: "u3", name: "+33 6 12", email: "-c@x", totalPercent: 0, struggling: false },
      ],
      cells: {},
    };
    const lines = gradebookCsv(evil).slice(1).split("\r\n");
    expect(lines[1]).toBe("'\t=1+1;a@x;;;0");
    expect(lines[2]).toBe(`"'\r=cmd|' /C calc'!A0";b@x;;;0`);
    expect(lines[3]).toBe("'+33 6 12;'-c@x;;;0");
  });
});
