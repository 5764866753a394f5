import { db } from "@/lib/db";
import { chapterProgress, exercisePercent } from "@/lib/grading/progress";
import { requireUser } from "@/lib/guards";
import { ProgressBar } from "../ui/progress-bar";

/**
 * The learner's progress on a chapter and on each of its exercises: the same Progress rows and
 * the same computation as the home outline and the instructor's heatmap.
 */
export async function ChapterProgress({ title, exercises }: { title: string; exercises: readonly string[] }) {
  if (exercises.length === 0) return null;
  const { user } = await requireUser();
  const rows = await db.progress.findMany({ where: { userId: user.id, exerciseId: { in: [...exercises] } } });
  const summary = chapterProgress(exercises, rows);
  const byId = new Map(rows.map((r) => [r.exerciseId, r]));
  return (
    <section
      aria-label="Ma progression dans ce chapitre"
      className="mb-8 rounded-lg border border-slate-200 bg-white p-4"
    >
      <div className="mb-2 flex items-baseline justify-between text-sm">
        <span className="font-medium text-slate-900">Ma progression</span>
        <span className="font-semibold tabular-nums" data-testid="chapter-percent">
          {summary.percent} %
        </span>
      </div>
      <ProgressBar percent={summary.percent} label={`Progression : ${title}`} />
      <ul className="mt-3 flex flex-wrap gap-2 text-xs">
        {exercises.map((id) => {
          const row = byId.get(id);
          return (
            <li key={id}>
              <a
                href={`#exercise-${id}`}
                className="rounded-full border border-slate-200 px-2 py-0.5 hover:border-brand-600"
              >
                <span className="font-mono">{id}</span> :{" "}
                {row ? `${exercisePercent(row)} % (${row.attempts} tent.)` : "non commencé"}
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
