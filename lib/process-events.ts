/**
 * In-process notices between the code that changes a user's state and the caches that keep it:
 * - `sessions-ended`: a sign-out, a revoked session or a ban (better-auth's database hooks,
 *   lib/auth.ts) → the lab API's session cache (lib/labs/authenticate.ts) forgets that user;
 * - `storage-reset`: an instructor reset a learner's lab storage (lib/labs/storage.ts) → the
 *   usage kept per learner is read again.
 * The listeners live on globalThis: the server's own lab routes (scripts/serve.ts, run by tsx)
 * and Next's bundle load this module twice in one process, and a change made through either
 * must reach both.
 */
export type ProcessEvent = "sessions-ended" | "storage-reset";
type Listener = (userId: string) => void;

const registry = globalThis as unknown as { drbdLabProcessEvents?: Map<ProcessEvent, Set<Listener>> };

function listeners(event: ProcessEvent): Set<Listener> {
  registry.drbdLabProcessEvents ??= new Map();
  let set = registry.drbdLabProcessEvents.get(event);
  if (!set) {
    set = new Set();
    registry.drbdLabProcessEvents.set(event, set);
  }
  return set;
}

/** Calls `fn` with the user concerned by each `event`; returns the function that stops listening. */
export function onProcessEvent(event: ProcessEvent, fn: Listener): () => void {
  listeners(event).add(fn);
  return () => listeners(event).delete(fn);
}

export function emitProcessEvent(event: ProcessEvent, userId: string): void {
  for (const fn of listeners(event)) fn(userId);
}
