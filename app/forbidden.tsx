import { ButtonLink } from "./components/ui/button";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-lg py-16 text-center">
      <p className="text-sm font-semibold text-brand-700">Erreur 403</p>
      <h1 className="mt-2 text-3xl font-bold text-slate-900">Accès refusé</h1>
      <p className="mt-4 text-slate-600">
        Cette page est réservée à un autre rôle que le vôtre. Si vous pensez que c'est une erreur, contactez votre
        formateur.
      </p>
      <ButtonLink href="/" className="mt-8">
        Retour au cours
      </ButtonLink>
    </div>
  );
}
