import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Navbar } from "./components/nav/navbar";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "DRBD Lab", template: "%s · DRBD Lab" },
  description:
    "Apprendre DRBD et la haute disponibilité sur un cluster simulé, avec des travaux pratiques corrigés automatiquement.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="fr">
      <body className="min-h-screen">
        <a
          href="#contenu"
          className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
        >
          Aller au contenu
        </a>
        <Navbar />
        <main id="contenu" className="mx-auto max-w-6xl px-4 py-8 sm:px-6 sm:py-10">
          {children}
        </main>
      </body>
    </html>
  );
}
