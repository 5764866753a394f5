import { describe, expect, it } from "vitest";
import { getExercise } from "../exercises/index";
import { grade } from "../run";
import type { AnyExercise } from "../types";

const quiz = getExercise("quiz") as AnyExercise;

describe("answers submissions", () => {
  it("accepts a JSON text and an already-parsed object alike", async () => {
    const obj = { answers: { "q1.choice": "a" } };
    const fromText = await grade(quiz, JSON.stringify(obj));
    const fromObject = await grade(quiz, obj);
    expect(fromText).toEqual(fromObject);
    expect(fromText.valid).toBe(true);
    expect(fromText.score).toBe(2);
  });

  it("reports unparseable JSON as invalid, with line and column, and grades nothing", async () => {
    const r = await grade(quiz, '{\n  "answers": {\n    "q1.choice": "a"\n    "q2.choice": "a"\n  }\n}');
    expect(r.valid).toBe(false);
    expect(r.checks).toEqual([]);
    expect(r.score).toBe(0);
    expect(r.diagnostics?.[0]).toMatchObject({ file: "answers.json", line: 4 });
    expect(r.invalidReason).toMatch(/^answers\.json:4:\d+: JSON invalide/);
  });

  it("refuses an unknown question id, pointing at its line", async () => {
    const r = await grade(quiz, '{\n  "answers": {\n    "q1.choice": "a",\n    "q9.choice": "b"\n  }\n}');
    expect(r.valid).toBe(false);
    expect(r.diagnostics?.[0]?.message).toMatch(/clé inconnue « q9\.choice »/);
    expect(r.diagnostics?.[0]?.line).toBe(2);
  });

  it("refuses an option that is not offered, listing the possible ones", async () => {
    const r = await grade(quiz, { answers: { "q1.choice": "z" } });
    expect(r.valid).toBe(false);
    expect(r.invalidReason).toMatch(/« answers\.q1\.choice » : valeur non proposée ; valeurs possibles : a, b, c, d/);
  });

  it("refuses a wrong type and an over-long text", async () => {
    expect((await grade(quiz, { answers: { "q1.choice": ["a"] } })).valid).toBe(false);
    const long = await grade(quiz, { answers: { "q1.text": "x".repeat(5000) } });
    expect(long.valid).toBe(false);
    expect(long.invalidReason).toMatch(/trop longue/);
  });

  it("refuses a submission without any answer (no attempt is spent)", async () => {
    const r = await grade(quiz, { answers: { "q1.text": "" } });
    expect(r.valid).toBe(false);
    expect(r.invalidReason).toMatch(/Aucune réponse/);
  });

  it("grades unanswered questions as failed, not as invalid", async () => {
    const r = await grade(quiz, { answers: { "q1.choice": "a" } });
    const q2 = r.checks.find((c) => c.id === "quiz.q2.choice");
    expect(q2).toMatchObject({ passed: false, points: 0, message: "Pas de réponse à cette question." });
    expect(q2?.hint).toBeTruthy();
  });
});

describe("choice and matching checks", () => {
  const ex11 = getExercise("ex1.1") as AnyExercise;
  const ex21 = getExercise("ex2.1") as AnyExercise;

  it("explains why the chosen wrong option is wrong", async () => {
    const r = await grade(ex11, { answers: { "q2.choice": "b" } });
    const c = r.checks.find((x) => x.id === "ex1.1.q2.choice");
    expect(c?.message).toMatch(
      /acceptée puis répliquée vers le Primary » incorrecte\. La réplication va toujours du Primary/,
    );
  });

  it("multiple choice: each right box earns, each wrong box takes back, never below zero", async () => {
    const score = async (picked: string[]) =>
      (await grade(ex11, { answers: { "q3.content": picked } })).checks.find((c) => c.id === "ex1.1.q3.content");
    expect((await score(["uuid", "bitmap", "al"]))?.points).toBe(2);
    expect((await score(["uuid", "bitmap"]))?.points).toBeCloseTo(1.25, 5); // 2 × 2/3 → quarter rounding
    expect((await score(["uuid", "bitmap", "config"]))?.points).toBeCloseTo(0.75, 5); // 2 × 1/3
    expect((await score(["uuid", "config", "data"]))?.points).toBe(0);
    const partial = await score(["uuid", "bitmap", "config"]);
    expect(partial?.passed).toBe(false);
    expect(partial?.message).toMatch(
      /Cochée\(s\) à tort : « Une copie du fichier \/etc\/drbd\.d\/r0\.res » \(La configuration reste/,
    );
    expect(partial?.message).toMatch(/1 bonne\(s\) réponse\(s\) non cochée\(s\)/);
  });

  it("matching: the defensible protocol B for logs gets half the item's points and says why", async () => {
    const r = await grade(ex21, { answers: { protocols: { logs: "B" } } });
    const logs = r.checks.find((c) => c.id === "ex2.1.protocols.logs");
    expect(logs).toMatchObject({ passed: false, points: 1, max: 2 });
    expect(logs?.message).toMatch(/points partiels/);
    expect(logs?.message).toMatch(/A est le choix recommandé/);
    const c = await grade(ex21, { answers: { protocols: { interdc: "C" } } });
    expect(c.checks.find((x) => x.id === "ex2.1.protocols.interdc")).toMatchObject({ passed: false, points: 0 });
  });

  it("free text: reports the missing ideas and flags partial answers for review", async () => {
    const r = await grade(ex11, { answers: { "q1.text": "Parce que le Node 2 est secondaire." } });
    const c = r.checks.find((x) => x.id === "ex1.1.q1.text");
    expect(c?.passed).toBe(false);
    expect(c?.points).toBe(1.5);
    expect(c?.needsReview).toBe(true);
    expect(c?.message).toMatch(/Idée\(s\) attendue\(s\) non trouvée\(s\) : seul le Primary peut ouvrir/);
    expect(r.needsReview).toBe(true);
  });
});
