import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getChapters } from "@/lib/chapters";
import { listCohortsWithStudents } from "@/lib/cohorts";
import { db } from "@/lib/db";
import { requireRole } from "@/lib/guards";
import { progressByUser, summarize } from "@/lib/progress";
import { Badge } from "../../../components/ui/badge";
import { Card, CardBody } from "../../../components/ui/card";
import { PageHeader } from "../../../components/ui/page-header";
import { ResetPasswordButton } from "../../reset-password-button";

export const metadata: Metadata = { title: "Classe" };

export default async function ClassPage({ params }: { params: Promise<{ id: string }> }) {
  const { user } = await requireRole("instructor", "admin");
  const { id } = await params;
  // Only classes the viewer may see: another instructor's class is simply not found.
  const cohort = (await listCohortsWithStudents(db, user)).find((c) => c.id === id);
  if (!cohort) notFound();
  const chapters = getChapters().filter((c) => c.exercises.length > 0);
  const rows = await progressByUser(
    db,
    cohort.enrollments.map((e) => e.user.id),
  );
  return (
    <>
      <nav aria-label="Fil d'Ariane" className="mb-4 text-sm text-slate-500">
        <Link href="/formateur" className="hover:text-brand-700 hover:underline">
          Espace formateur
        </Link>{" "}
        / <span className="text-slate-700">{cohort.name}</span>
      </nav>
      <PageHeader
        title={cohort.name}
        description={
          <>
            Code d'inscription :{" "}
            <Badge tone="brand" className="font-mono text-sm">
              {cohort.joinCode}
            </Badge>
          </>
        }
      />
      <Card>
        <CardBody className="overflow-x-auto">
          {cohort.enrollments.length === 0 ? (
            <p className="text-slate-600">Aucun·e étudiant·e inscrit·e pour l'instant.</p>
          ) : (
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Progression par chapitre</caption>
              <thead className="text-xs text-slate-500">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Étudiant·e
                  </th>
                  {chapters.map((c) => (
                    <th key={c.slug} scope="col" className="px-2 py-2 text-center font-medium" title={c.title}>
                      {c.slug}
                    </th>
                  ))}
                  <th scope="col" className="px-2 py-2 text-center font-medium">
                    Total
                  </th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {cohort.enrollments.map(({ user: student }) => {
                  const own = rows.get(student.id) ?? [];
                  const total = summarize(
                    chapters.flatMap((c) => c.exercises),
                    own,
                  );
                  return (
                    <tr key={student.id}>
                      <th scope="row" className="py-3 pr-4 text-left font-medium text-slate-900">
                        {student.name}
                        <span className="block text-xs font-normal text-slate-500">{student.email}</span>
                      </th>
                      {chapters.map((c) => (
                        <td key={c.slug} className="px-2 py-3 text-center tabular-nums">
                          {summarize(c.exercises, own).percent} %
                        </td>
                      ))}
                      <td className="px-2 py-3 text-center font-semibold tabular-nums">{total.percent} %</td>
                      <td className="py-3 text-right">
                        {student.role === "student" ? (
                          <ResetPasswordButton studentId={student.id} studentName={student.name} />
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </CardBody>
      </Card>
    </>
  );
}
