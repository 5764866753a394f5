import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/guards";
import { viewableLab } from "@/lib/instructor/http";
import { PageHeader } from "../../components/ui/page-header";
import { ReplayView } from "./replay-view";

export const metadata: Metadata = { title: "Rejouer un lab" };

/** The replay of a lab: its learner, or who teaches that learner; anyone else gets 404. */
export default async function ReplayPage({
  params,
  searchParams,
}: {
  params: Promise<{ sessionId: string }>;
  searchParams: Promise<{ seq?: string }>;
}) {
  const { user } = await requireUser();
  const { sessionId } = await params;
  const row = await viewableLab(db, user, sessionId);
  if (!row) notFound();
  const raw = (await searchParams).seq;
  const seq = raw !== undefined && /^-?\d{1,9}$/.test(raw) ? Number(raw) : null;
  return (
    <>
      <PageHeader
        title={`Rejouer le lab ${row.exerciseId.toUpperCase()}`}
        description={`${row.user.name} — chaque commande rejouée dans le simulateur : le cluster exactement comme il était.`}
      />
      <ReplayView sessionId={row.id} initialSeq={seq} />
    </>
  );
}
