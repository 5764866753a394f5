import type { CheckResult, GradeProgress } from "@/graders";

/**
 * One line of a streamed « Vérifier » (`stream: true`, application/x-ndjson): the lab replay's
 * progress, each check as it is decided (without its hint: hints are earned by attempts and come
 * with the final reply), then the reply the plain request would have given, with its status.
 */
export type SubmitStreamMessage =
  | { type: "replay"; done: number; total: number }
  | { type: "check"; check: Omit<CheckResult, "hint"> }
  | { type: "done"; status: number; body: unknown };

/** A grading's progress as stream lines: the replay at most once per percent, every check. */
export function progressLines(send: (m: SubmitStreamMessage) => void): (p: GradeProgress) => void {
  let shown = -1;
  return (p) => {
    if (p.kind === "check") {
      const { hint: _hint, ...check } = p.check;
      send({ type: "check", check });
      return;
    }
    const percent = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
    if (percent === shown && p.done !== p.total) return;
    shown = percent;
    send({ type: "replay", done: p.done, total: p.total });
  };
}

/** An NDJSON response fed by `run`, which ends it with its `done` line. */
export function ndjsonResponse(run: (send: (m: SubmitStreamMessage) => void) => Promise<void>): Response {
  const encoder = new TextEncoder();
  let closed = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (m: SubmitStreamMessage) => {
        if (!closed) controller.enqueue(encoder.encode(`${JSON.stringify(m)}\n`));
      };
      void run(send).finally(() => {
        if (closed) return;
        closed = true;
        controller.close();
      });
    },
    cancel() {
      closed = true;
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
