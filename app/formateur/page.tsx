import type { Metadata } from "next";
import Link from "next/link";
import { getChapters } from "@/lib/chapters";
import { listCohortsWithStudents } from "@/lib/cohorts";
import { db } from "@/lib/db";
import { requireRole } from "@/lib/guards";
import { progressByUser, summarize } from "@/lib/progress";
import { Badge } from "../components/ui/badge";
import { Card, CardBody, CardHeader, CardTitle } from "../components/ui/card";
import { PageHeader } from "../components/ui/page-header";
import { CreateClassForm } from "./create-class-form";
import { StudentTable } from "./student-table";

export const metadata: Metadata = { title: "Espace formateur" };

export default async function InstructorPage() {
  const { user } = await requireRole("instructor", "admin");
  const cohorts = await listCohortsWithStudents(db, user);
  const exercises = getChapters().flatMap((c) => c.exercises);
  const studentIds = [...new Set(cohorts.flatMap((c) => c.enrollments.map((e) => e.user.id)))];
  const rows = await progressByUser(db, studentIds);
  const progress = new Map(studentIds.map((id) => [id, summarize(exercises, rows.get(id) ?? [])]));
  return (
    <>
      <PageHeader
        title="Espace formateur"
        description="Vos classes, leur code d'inscription et la progression de chaque étudiant·e."
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="min-w-0 space-y-6">
          {cohorts.length === 0 ? (
            <Card>
              <CardBody className="text-slate-600">
                Vous n'avez pas encore de classe. Créez-en une pour obtenir un code d'inscription.
              </CardBody>
            </Card>
          ) : null}
          {cohorts.map((cohort) => (
            <Card key={cohort.id} data-testid="cohort" aria-labelledby={`cohort-${cohort.id}`}>
              <CardHeader className="flex flex-wrap items-center justify-between gap-3">
                <div>
                  <CardTitle id={`cohort-${cohort.id}`}>
                    <Link href={`/formateur/classes/${cohort.id}`} className="hover:text-brand-700 hover:underline">
                      {cohort.name}
                    </Link>
                  </CardTitle>
                  <p className="text-sm text-slate-500">
                    {cohort.enrollments.length} inscrit·e{cohort.enrollments.length > 1 ? "s" : ""}
                    {user.role === "admin" ? ` · ${cohort.instructor.name}` : ""}
                  </p>
                </div>
                <div className="text-right">
                  <span className="block text-xs text-slate-500">Code d'inscription</span>
                  <Badge tone="brand" className="font-mono text-sm" data-testid="join-code">
                    {cohort.joinCode}
                  </Badge>
                </div>
              </CardHeader>
              <CardBody>
                <StudentTable cohort={cohort} progress={progress} />
              </CardBody>
            </Card>
          ))}
        </div>
        <Card className="h-fit">
          <CardHeader>
            <CardTitle>Nouvelle classe</CardTitle>
          </CardHeader>
          <CardBody>
            <CreateClassForm />
          </CardBody>
        </Card>
      </div>
    </>
  );
}
