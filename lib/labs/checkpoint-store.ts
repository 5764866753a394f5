/** The `lab_checkpoint` rows (lib/labs/checkpoints.ts): a cache of labs' state, never the truth. */
import type { Db } from "@/lib/db";
import type { StoredCheckpoint } from "./checkpoints";
import { engineBuild } from "./engine-build";

/** Checkpoints on their way to the table (storeCheckpointLater), by session: a reader waits for them. */
const storing = new Map<string, Promise<void>>();

/**
 * The session's newest checkpoint written by this engine build (its sources include the format),
 * if any, once this process has stored those it was given (storeCheckpointLater).
 */
export async function newestCheckpoint(db: Db, labSessionId: string): Promise<StoredCheckpoint | null> {
  await storing.get(labSessionId);
  const c = await db.labCheckpoint.findFirst({
    where: { labSessionId, engineBuild: engineBuild() },
    orderBy: { seq: "desc" },
    select: { seq: true, events: true, format: true, bytes: true, transcript: true },
  });
  return c ? { ...c, bytes: new Uint8Array(c.bytes) } : null;
}

/**
 * Stores the checkpoint a worker sends after a command's reply (its row is stored already), in
 * the background and in order per session; newestCheckpoint waits for it.
 */
export function storeCheckpointLater(db: Db, labSessionId: string, later: Promise<StoredCheckpoint | null>): void {
  const before = storing.get(labSessionId) ?? Promise.resolve();
  const done = before.then(async () => {
    const c = await later;
    if (c) await storeCheckpoint(db, labSessionId, c);
  });
  storing.set(labSessionId, done);
  void done.then(() => {
    if (storing.get(labSessionId) === done) storing.delete(labSessionId);
  });
}

/** Keep the newest checkpoint of a session (a failure to store one costs only a longer rebuild). */
export async function storeCheckpoint(db: Db, labSessionId: string, c: StoredCheckpoint): Promise<void> {
  const data = { ...c, bytes: Buffer.from(c.bytes), engineBuild: engineBuild() };
  try {
    await db.$transaction([
      db.labCheckpoint.deleteMany({ where: { labSessionId } }),
      db.labCheckpoint.create({ data: { labSessionId, ...data }, select: { id: true } }),
    ]);
  } catch (e) {
    console.warn(`lab ${labSessionId}: checkpoint at row ${c.seq} not stored: ${(e as Error).message}`);
  }
}
