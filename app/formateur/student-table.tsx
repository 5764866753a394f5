import type { CohortWithStudents } from "@/lib/cohorts";
import { storageLimitsFromEnv } from "@/lib/labs/storage";
import type { ProgressSummary } from "@/lib/progress";
import { ProgressBar } from "../components/ui/progress-bar";
import { LabStorage } from "./lab-storage";
import { ResetPasswordButton } from "./reset-password-button";

export function StudentTable({
  cohort,
  progress,
}: {
  cohort: CohortWithStudents;
  progress: Map<string, ProgressSummary>;
}) {
  if (cohort.enrollments.length === 0) {
    return (
      <p className="text-sm text-slate-600">
        Aucun·e étudiant·e inscrit·e pour l'instant : donnez-leur le code de la classe.
      </p>
    );
  }
  const { quotaBytes } = storageLimitsFromEnv();
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Étudiant·es de la classe {cohort.name}</caption>
        <thead className="text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">
              Nom
            </th>
            <th scope="col" className="hidden py-2 pr-4 font-medium md:table-cell">
              E-mail
            </th>
            <th scope="col" className="w-32 py-2 pr-4 font-medium sm:w-48">
              Progression
            </th>
            <th scope="col" className="py-2 text-right font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {cohort.enrollments.map(({ user }) => {
            const p = progress.get(user.id);
            return (
              <tr key={user.id} data-testid="student-row">
                <td className="whitespace-nowrap py-3 pr-4 font-medium text-slate-900">
                  {user.name}
                  <span className="block text-xs font-normal text-slate-500 md:hidden">{user.email}</span>
                </td>
                <td className="hidden whitespace-nowrap py-3 pr-4 text-slate-600 md:table-cell">{user.email}</td>
                <td className="py-3 pr-4">
                  <div className="flex items-center gap-2">
                    <ProgressBar percent={p?.percent ?? 0} label={`Progression de ${user.name}`} />
                    <span className="w-12 whitespace-nowrap text-right tabular-nums text-slate-700">
                      {p?.percent ?? 0} %
                    </span>
                  </div>
                </td>
                <td className="py-3 text-right">
                  {user.role === "student" ? (
                    <div className="flex flex-col items-end gap-2">
                      <ResetPasswordButton studentId={user.id} studentName={user.name} />
                      <LabStorage
                        studentId={user.id}
                        studentName={user.name}
                        usedBytes={user.labStorageBytes}
                        quotaBytes={quotaBytes}
                      />
                    </div>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
