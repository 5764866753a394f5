import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { GradingProgress } from "./grading-progress";

/** What the learner reads while « Vérifier » runs (the e2e journeys read the stream itself). */
describe("GradingProgress", () => {
  const text = (html: string) =>
    html
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ")
      .trim();

  it("says « Vérification en cours… » before the first line of the stream", () => {
    const html = renderToStaticMarkup(<GradingProgress live={{ replay: null, checks: [] }} />);
    expect(text(html)).toBe("Vérification en cours…");
    expect(html).toContain('aria-live="polite"');
  });

  it("counts the replayed commands with a bar at their percentage", () => {
    const html = renderToStaticMarkup(<GradingProgress live={{ replay: { done: 37, total: 148 }, checks: [] }} />);
    expect(text(html)).toContain("Rejeu de votre session : commande 37 / 148");
    expect(html).toMatch(/aria-valuenow="25"/);
  });

  it("lists each check as it is decided, passed and failed told apart for screen readers too", () => {
    const html = renderToStaticMarkup(
      <GradingProgress
        live={{
          replay: { done: 148, total: 148 },
          checks: [
            { id: "a", passed: true, message: "r0 est UpToDate sur node2", points: 1, maxPoints: 1 },
            { id: "b", passed: false, message: "PostgreSQL ne répond pas sur node2", points: 0, maxPoints: 1 },
          ] as never,
        }}
      />,
    );
    const t = text(html);
    expect(t).toContain("Session rejouée (148 commandes) ; vérifications :");
    expect(t).not.toContain("Rejeu de votre session");
    expect(t).toMatch(/✓ Réussi : r0 est UpToDate sur node2 .*✗ À revoir : PostgreSQL ne répond pas sur node2/);
    expect(html).toMatch(/aria-valuenow="100"/);
  });
});
