import { describe, expect, it } from "vitest";
import { type ProgressRow, summarize } from "./progress";

const row = (exerciseId: string, bestScore: number, maxScore: number, attempts = 1): ProgressRow => ({
  userId: "u",
  exerciseId,
  bestScore,
  maxScore,
  attempts,
});

describe("summarize", () => {
  it("is 0 % with no rows, and 0 % for a chapter without exercises", () => {
    expect(summarize(["tp1", "ex1.1"], [])).toEqual({ percent: 0, attempted: 0, total: 2 });
    expect(summarize([], [row("tp1", 10, 10)])).toEqual({ percent: 0, attempted: 0, total: 0 });
  });

  it("weighs each exercise equally by bestScore / maxScore", () => {
    const rows = [row("tp1", 10, 10), row("ex1.1", 1, 4)];
    expect(summarize(["tp1", "ex1.1", "ex1.2", "ex1.3"], rows)).toEqual({ percent: 31, attempted: 2, total: 4 });
  });

  it("is 100 % only when every exercise has full marks", () => {
    expect(summarize(["a", "b"], [row("a", 5, 5), row("b", 3, 3)]).percent).toBe(100);
    expect(summarize(["a", "b"], [row("a", 5, 5), row("b", 2.99, 3)]).percent).toBe(99);
  });

  it("ignores rows of other exercises, clamps odd scores, counts duplicates once", () => {
    const rows = [row("other", 10, 10), row("a", 12, 10), row("b", -1, 10), row("c", 0, 0)];
    expect(summarize(["a", "a", "b", "c"], rows)).toEqual({ percent: 33, attempted: 3, total: 3 });
  });
});
