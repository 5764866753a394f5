import Link from "next/link";
import { getSession } from "@/lib/guards";
import { ROLE_LABELS, roleOf } from "@/lib/roles";
import { Badge } from "../ui/badge";
import { buttonClass } from "../ui/button";
import { signOutAction } from "./sign-out-action";

export async function Navbar() {
  const session = await getSession();
  const role = session ? roleOf(session.user) : undefined;
  return (
    <header className="sticky top-0 z-20 border-b border-slate-200 bg-white/95 backdrop-blur">
      <nav
        aria-label="Navigation principale"
        className="mx-auto flex h-14 max-w-6xl items-center gap-2 px-3 sm:gap-4 sm:px-6"
      >
        <Link href="/" className="flex shrink-0 items-center gap-2 whitespace-nowrap font-semibold text-slate-900">
          {/* biome-ignore lint/performance/noImgElement: a 24 px SVG needs no image optimisation */}
          <img src="/icon.svg" alt="" width={24} height={24} />
          {/* on a phone the logo alone: room for « Cours » and the learner's name */}
          <span className="sr-only sm:not-sr-only">DRBD Lab</span>
        </Link>
        {session ? (
          <div className="flex flex-1 items-center gap-1 whitespace-nowrap text-sm">
            <Link href="/" className="rounded-md px-2 py-1 text-slate-700 hover:bg-slate-100">
              Cours
            </Link>
            {role === "instructor" || role === "admin" ? (
              <Link href="/formateur" className="rounded-md px-2 py-1 text-slate-700 hover:bg-slate-100">
                <span className="sm:hidden">Formateur</span>
                <span className="hidden sm:inline">Espace formateur</span>
              </Link>
            ) : null}
          </div>
        ) : (
          <div className="flex-1" />
        )}
        {session && role ? (
          <div className="flex min-w-0 items-center gap-2 sm:gap-3">
            {/* on a phone the name stays (shortened), the e-mail goes */}
            <span className="min-w-0 shrink-0 text-right text-sm leading-tight">
              <span
                className="block max-w-[9rem] truncate font-medium text-slate-900 sm:max-w-none"
                data-testid="nav-user"
                title={session.user.name}
              >
                {session.user.name}
              </span>
              <span className="hidden text-xs text-slate-500 sm:block">{session.user.email}</span>
            </span>
            <span className="hidden md:block">
              <Badge tone={role === "student" ? "neutral" : "brand"} data-testid="nav-role">
                {ROLE_LABELS[role]}
              </Badge>
            </span>
            <form action={signOutAction}>
              <button type="submit" className={buttonClass("secondary", "sm")}>
                Se déconnecter
              </button>
            </form>
          </div>
        ) : (
          <div className="flex items-center gap-1 text-sm sm:gap-2">
            <Link href="/connexion" className={buttonClass("ghost", "sm")}>
              Se connecter
            </Link>
            <Link href="/inscription" className={buttonClass("primary", "sm")}>
              <span className="sm:hidden">S'inscrire</span>
              <span className="hidden sm:inline">Créer un compte</span>
            </Link>
          </div>
        )}
      </nav>
    </header>
  );
}
