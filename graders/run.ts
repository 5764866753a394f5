import type { AnyExercise, CheckOutcome, CheckResult, GradeResult, Message, ReportProgress } from "./types";

function normalizeOutcome(raw: boolean | CheckOutcome): CheckOutcome {
  return typeof raw === "boolean" ? { passed: raw } : raw;
}

function render<C>(message: Message<C>, ctx: C, outcome: CheckOutcome): string {
  const text = typeof message === "function" ? message(ctx, outcome) : message;
  return outcome.detail ? `${text} ${outcome.detail}` : text;
}

/** Points rounded to a quarter, so that partial credit stays readable in the gradebook. */
export function roundPoints(p: number): number {
  return Math.round(p * 4) / 4;
}

/**
 * Grade one submission. Pure apart from the definition's own `prepare` (which may replay a lab):
 * the same definition and submission always give the same result. An invalid submission
 * (unparseable JSON, config syntax error) returns `valid: false` and no checks: it costs no attempt.
 * `report` hears the replay's progress and each check as it is decided (hints included: the
 * caller decides which ones the learner has earned).
 */
export async function grade(def: AnyExercise, submission: unknown, report?: ReportProgress): Promise<GradeResult> {
  const prepared = await def.prepare(submission, report);
  const base = { exercise: def.id, graderVersion: def.graderVersion, max: def.points };
  if (!prepared.valid) {
    return {
      ...base,
      score: 0,
      valid: false,
      invalidReason: prepared.reason,
      diagnostics: prepared.diagnostics,
      checks: [],
    };
  }
  const checks: CheckResult[] = [];
  try {
    await runChecks(def, prepared.ctx, checks, report);
  } finally {
    await def.release?.(prepared.ctx);
  }
  const score = roundPoints(checks.reduce((s, c) => s + c.points, 0));
  const out: GradeResult = { ...base, score, valid: true, checks };
  if (checks.some((c) => c.needsReview)) out.needsReview = true;
  return out;
}

async function runChecks(
  def: AnyExercise,
  ctx: unknown,
  checks: CheckResult[],
  report: ReportProgress | undefined,
): Promise<void> {
  for (const check of def.checks) {
    let outcome: CheckOutcome;
    try {
      outcome = normalizeOutcome(await check.test(ctx));
    } catch (err) {
      // A check that throws is a grader bug, never the learner's fault: report it, score 0, review.
      outcome = {
        passed: false,
        needsReview: true,
        detail: `(erreur interne du correcteur : ${(err as Error).message})`,
      };
    }
    const fraction = Math.min(1, Math.max(0, outcome.fraction ?? (outcome.passed ? 1 : 0)));
    const result: CheckResult = {
      id: check.id,
      passed: outcome.passed,
      points: roundPoints(check.points * fraction),
      max: check.points,
      message: render(outcome.passed ? check.ok : check.fail, ctx, outcome),
    };
    if (!outcome.passed) result.hint = check.hint;
    if (outcome.needsReview) result.needsReview = true;
    checks.push(result);
    report?.({ kind: "check", check: result });
  }
}
