import { describe, expect, it } from "vitest";
import type { ProgressRow } from "./progress";
import { chapterItems, courseProgress, readingRows } from "./reading";

const chapters = [
  { slug: "introduction", title: "Introduction", exercises: [] },
  { slug: "tp1", title: "TP1", exercises: ["tp1", "ex1.1"] },
  { slug: "quiz-final", title: "Quiz final", exercises: ["quiz"] },
];
const row = (exerciseId: string, bestScore: number, maxScore = 10): ProgressRow => ({
  userId: "u",
  exerciseId,
  bestScore,
  maxScore,
  attempts: 1,
});

describe("course progress counts reading chapters once read", () => {
  it("a reading chapter is one item, done once read", () => {
    expect(chapterItems(chapters[0] as (typeof chapters)[0])).toEqual(["lecture:introduction"]);
    const before = courseProgress(chapters, []);
    expect(before.chapters[0]?.progress.percent).toBe(0);
    const after = courseProgress(chapters, readingRows("u", ["introduction"]));
    expect(after.chapters[0]?.progress.percent).toBe(100);
    // 1 item of 4 (introduction, tp1, ex1.1, quiz)
    expect(after.overall.percent).toBe(25);
    expect(after.complete).toBe(false);
  });

  it("is complete only with every chapter read and every exercise at full marks", () => {
    const all = [...readingRows("u", ["introduction"]), row("tp1", 10), row("ex1.1", 10), row("quiz", 10)];
    expect(courseProgress(chapters, all).complete).toBe(true);
    expect(courseProgress(chapters, all.slice(1)).complete).toBe(false); // introduction not read
    const partial = [...all.slice(0, 3), row("quiz", 9.5)];
    const p = courseProgress(chapters, partial);
    expect(p.complete).toBe(false);
    expect(p.chapters.filter((c) => c.progress.percent < 100).map((c) => c.slug)).toEqual(["quiz-final"]);
  });

  it("a quiz at 20 % of the course is not the end of the workshop", () => {
    const p = courseProgress(chapters, [row("quiz", 10)]);
    expect(p.overall.percent).toBe(25);
    expect(p.complete).toBe(false);
  });
});
