/** Observers' saved states (LabObserver.save) as checkpoints carry them. */
/**
 * An observer's saved state, as a checkpoint carries it: stamped with its exercise (the live
 * checks' observer and the grading's are the same exercise's).
 */
export function stampObserved(exercise: string, state: unknown): unknown {
  return { exercise, state };
}

/** The saved state of this exercise's observer (throws for another exercise's). */
export function observedOf(exercise: string, stamped: unknown): unknown {
  const s = stamped as { exercise?: unknown; state?: unknown } | null;
  if (!s || s.exercise !== exercise) throw new Error(`not an observed state of ${exercise}`);
  return s.state;
}
