import type { ReactNode } from "react";
import { Card, CardBody } from "./ui/card";

/** The centred card around the sign-in and sign-up forms. */
export function AuthPanel({ title, intro, children }: { title: string; intro: ReactNode; children: ReactNode }) {
  return (
    <div className="mx-auto max-w-md">
      <h1 className="text-center text-2xl font-bold tracking-tight text-slate-900">{title}</h1>
      <p className="mt-2 text-center text-slate-600">{intro}</p>
      <Card className="mt-8">
        <CardBody className="p-6 sm:p-8">{children}</CardBody>
      </Card>
    </div>
  );
}
