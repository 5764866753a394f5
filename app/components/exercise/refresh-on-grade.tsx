"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { GRADED_EVENT } from "./types";

/**
 * After a « Vérifier », re-renders the page's server parts (chapter progress, the course's
 * conclusion). Mounted by the page, not by the chapter's MDX (which is rendered outside the app
 * router when the build checks it).
 */
export function RefreshOnGrade() {
  const router = useRouter();
  useEffect(() => {
    const refresh = () => router.refresh();
    window.addEventListener(GRADED_EVENT, refresh);
    return () => window.removeEventListener(GRADED_EVENT, refresh);
  }, [router]);
  return null;
}
