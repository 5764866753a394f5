import { ButtonLink } from "./components/ui/button";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-lg py-16 text-center">
      <p className="text-sm font-semibold text-brand-700">Erreur 404</p>
      <h1 className="mt-2 text-3xl font-bold text-slate-900">Page introuvable</h1>
      <p className="mt-4 text-slate-600">Cette adresse ne correspond à aucune page de DRBD Lab.</p>
      <ButtonLink href="/" className="mt-8">
        Retour au cours
      </ButtonLink>
    </div>
  );
}
