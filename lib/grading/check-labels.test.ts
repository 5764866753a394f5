import { describe, expect, it } from "vitest";
import { answerLines, checkLabel } from "./check-labels";
import { frNumber } from "./format";

describe("what the instructor reads instead of check ids", () => {
  it("names a question check by its prompt and a lab check by what it verifies", () => {
    expect(checkLabel("quiz", "quiz.q1.text")).toMatch(/différence entre DRBD et une réplication applicative/);
    expect(checkLabel("quiz", "quiz.q1.choice")).toBe(checkLabel("quiz", "quiz.q1.text"));
    expect(checkLabel("tp2", "tp2.final-c")).toMatch(/protocole C/);
    expect(checkLabel("tp2", "tp2.final-c")).not.toBe("tp2.final-c");
  });

  it("falls back to the id when the exercise or check is unknown", () => {
    expect(checkLabel("nope", "nope.x")).toBe("nope.x");
    expect(checkLabel("tp2", "tp2.gone")).toBe("tp2.gone");
  });

  it("writes scores with a French decimal comma", () => {
    expect(frNumber(5.5)).toBe("5,5");
    expect(frNumber(10)).toBe("10");
    expect(frNumber(2 / 3)).toBe("0,67");
  });
});

describe("a quiz submission as the instructor reads it", () => {
  it("names the chosen options by their text, whatever order the learner saw", () => {
    const [line] = answerLines("quiz", { "q2.choice": "b" });
    expect(line?.prompt).toMatch(/Protocol A plutôt que Protocol C/);
    expect(line?.answer).toBe("Quand aucune perte de données n’est acceptable.");
    expect(answerLines("quiz", { "q2.choice": "a" })[0]?.answer).toMatch(/latence entre les nœuds est élevée/);
  });

  it("keeps ids it does not know, and free text as written", () => {
    expect(answerLines("quiz", { "q9.zzz": "x" })).toEqual([{ prompt: "q9.zzz", answer: "x" }]);
    expect(answerLines("quiz", { "q2.choice": "z" })[0]?.answer).toBe("z");
    expect(answerLines("quiz", { "q1.text": "des blocs" })[0]?.answer).toBe("des blocs");
  });
});
