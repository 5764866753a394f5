import { describe, expect, it } from "vitest";
import { EXERCISES, getExercise, grade } from "@/graders";
import { publicExercise } from "./exercise-view";

type Choice = { id: string; kind: string; options?: { id: string }[]; choices?: { id: string }[] };
const shown = (exerciseId: string, learner?: string) =>
  (publicExercise(getExercise(exerciseId) as NonNullable<ReturnType<typeof getExercise>>, learner).questions ??
    []) as Choice[];
const order = (q: Choice) => (q.options ?? q.choices ?? []).map((o) => o.id);

const withQuestions = EXERCISES.filter((e) => e.questions?.some((q) => q.kind === "single" || q.kind === "multiple"));

describe("quiz options are shuffled per learner, graded by option identity", () => {
  it("shows the same learner the same order every time, with every option once", () => {
    for (const def of withQuestions) {
      const a = shown(def.id, "user-alice");
      expect(shown(def.id, "user-alice")).toEqual(a);
      const plain = shown(def.id);
      for (const [i, q] of a.entries()) expect([...order(q)].sort()).toEqual([...order(plain[i] as Choice)].sort());
    }
  });

  it("keeps the definition's order without a learner (previews)", () => {
    const def = getExercise("quiz");
    const q1 = def?.questions?.find((q) => q.id === "q1.choice");
    expect(order(shown("quiz").find((q) => q.id === "q1.choice") as Choice)).toEqual(
      q1 && "options" in q1 ? q1.options.map((o) => o.id) : [],
    );
  });

  it("does not put the right answer first for every question, and differs between learners", () => {
    const singles = withQuestions.flatMap((def) =>
      (def.questions ?? []).flatMap((q) => (q.kind === "single" ? [{ exercise: def.id, q }] : [])),
    );
    expect(singles.length).toBeGreaterThan(5);
    for (const learner of ["user-alice", "user-bob", "cm1x2y3z4"]) {
      const firsts = singles.map(({ exercise, q }) => {
        const view = shown(exercise, learner).find((v) => v.id === q.id) as Choice;
        return order(view)[0] === (q as { answer: string }).answer;
      });
      expect(firsts.filter(Boolean).length).toBeLessThan(singles.length / 2);
    }
    const orders = (learner: string) => withQuestions.map((d) => shown(d.id, learner).map(order));
    expect(orders("user-alice")).not.toEqual(orders("user-bob"));
  });

  it("grades the option a learner picked by its id, wherever it was shown", async () => {
    const def = getExercise("quiz");
    if (!def) throw new Error("quiz");
    const view = shown("quiz", "user-alice").find((q) => q.id === "q1.choice") as Choice;
    const right = await grade(def, { answers: { "q1.choice": "a" } });
    const wrong = await grade(def, { answers: { "q1.choice": order(view).find((id) => id !== "a") } });
    expect(right.checks.find((c) => c.id === "quiz.q1.choice")?.passed).toBe(true);
    expect(wrong.checks.find((c) => c.id === "quiz.q1.choice")?.passed).toBe(false);
  });
});
