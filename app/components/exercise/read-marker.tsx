"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";

/**
 * The end of a reading chapter: once the learner has scrolled down to it, the chapter counts as
 * read (lib/reading.ts) and the outline's progress shows it.
 */
export function ReadMarker({ slug, read }: { slug: string; read: boolean }) {
  const [done, setDone] = useState(read);
  const ref = useRef<HTMLParagraphElement>(null);
  const router = useRouter();

  useEffect(() => {
    const el = ref.current;
    if (done || !el) return;
    let sent = false;
    const io = new IntersectionObserver((entries) => {
      if (sent || !entries.some((e) => e.isIntersecting)) return;
      sent = true;
      io.disconnect();
      fetch(`/api/chapters/${encodeURIComponent(slug)}/read`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      })
        .then((res) => {
          if (!res.ok) return;
          setDone(true);
          router.refresh();
        })
        .catch(() => undefined);
    });
    io.observe(el);
    return () => io.disconnect();
  }, [done, slug, router]);

  return (
    <p
      ref={ref}
      data-testid="chapter-read"
      data-read={done ? "true" : "false"}
      className="mt-10 rounded-lg border border-slate-200 bg-white p-3 text-sm text-slate-700"
    >
      {done
        ? "✓ Chapitre lu : il compte dans votre progression."
        : "Chapitre de lecture : il compte dans votre progression une fois lu jusqu’ici."}
    </p>
  );
}
