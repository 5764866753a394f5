"use client";
import { createContext, type ReactNode, useContext } from "react";

/** Whether the learner has finished the course (every chapter read, every exercise at full marks). */
const CourseComplete = createContext(false);

/** Set by the chapter page around the chapter's text, from the learner's progress. */
export function CourseEndProvider({ complete, children }: { complete: boolean; children: ReactNode }) {
  return <CourseComplete.Provider value={complete}>{children}</CourseComplete.Provider>;
}

/**
 * The workshop's closing words (`<CourseEnd>` in the last chapter): shown only once the course is
 * complete; until then the page lists what is left (CourseCompletion).
 */
export function CourseEnd({ children }: { children: ReactNode }) {
  if (!useContext(CourseComplete)) return null;
  return (
    <section
      aria-label="Fin du workshop"
      data-testid="course-end"
      className="mt-10 rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-emerald-900"
    >
      {children}
    </section>
  );
}
