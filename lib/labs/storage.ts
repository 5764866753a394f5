import { teachesStudent } from "@/lib/cohorts";
import type { Db } from "@/lib/db";
import { emitProcessEvent, onProcessEvent } from "@/lib/process-events";
import { type Role, roleOf } from "@/lib/roles";
import { TtlCache } from "./ttl-cache";

/**
 * What a learner's labs may keep in the database. Each command's output is stored up to
 * `maxOutputBytes` (the rest is summarised by a marker line; the digest that replays check
 * is still computed over the whole output), and everything a learner's commands store counts
 * against `quotaBytes`. At the quota, commands are refused until an instructor resets it.
 */
export interface StorageLimits {
  maxOutputBytes: number;
  quotaBytes: number;
}

export const DEFAULT_STORAGE: StorageLimits = { maxOutputBytes: 64 * 1024, quotaBytes: 50 * 1024 * 1024 };

export function storageLimitsFromEnv(env: Partial<NodeJS.ProcessEnv> = process.env): StorageLimits {
  const kib = Number(env.LAB_OUTPUT_STORED_KIB ?? "");
  const mib = Number(env.LAB_STORAGE_QUOTA_MIB ?? "");
  return {
    maxOutputBytes: Number.isFinite(kib) && kib > 0 ? Math.round(kib * 1024) : DEFAULT_STORAGE.maxOutputBytes,
    quotaBytes: Number.isFinite(mib) && mib > 0 ? Math.round(mib * 1024 * 1024) : DEFAULT_STORAGE.quotaBytes,
  };
}

export class LabStorageFull extends Error {}

export const FR_STORAGE_FULL =
  "Espace de stockage de vos labs épuisé : demandez à votre formateur de le réinitialiser pour continuer.";

export const frTruncated = (bytes: number) =>
  `\n[… ${bytes} octets de sortie non conservés : la suite n’est pas enregistrée …]\n`;

/** The output as stored: whole when small, else its first `max` bytes and a marker. */
export function storedOutput(output: string, max: number): string {
  const bytes = Buffer.from(output, "utf8");
  if (bytes.length <= max) return output;
  // cut at a character boundary: a partial UTF-8 sequence at the end decodes to U+FFFD
  const head = bytes
    .subarray(0, max)
    .toString("utf8")
    .replace(/\uFFFD+$/, "");
  return head + frTruncated(bytes.length - Buffer.byteLength(head, "utf8"));
}

/** Bytes a stored command costs (the lab_event INSERT trigger charges the same: UTF-8 bytes of both). */
export function storedBytes(input: string, storedOut: string): number {
  return Buffer.byteLength(input, "utf8") + Buffer.byteLength(storedOut, "utf8");
}

/** LabStorageFull when the learner has used their quota. */
export async function assertStorageLeft(db: Db, userId: string, limits: StorageLimits): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { labStorageBytes: true } });
  if (user && user.labStorageBytes >= limits.quotaBytes) throw new LabStorageFull(FR_STORAGE_FULL);
}

/**
 * Each learner's stored bytes, read once and then counted here as their commands are stored
 * (one query less per command). Read again after `ttlMs` (another server's commands, a
 * change made elsewhere) and at once when an instructor resets the learner's usage in this
 * process (lib/process-events.ts).
 */
export class StorageMeter {
  private readonly used: TtlCache<{ bytes: number }>;

  constructor(ttlMs = 30_000, maxEntries = 10_000, now: () => number = Date.now) {
    this.used = new TtlCache(ttlMs, maxEntries, now);
    onProcessEvent("storage-reset", (userId) => this.used.forget(userId));
  }

  /** LabStorageFull when the learner has used their quota. */
  async assertLeft(db: Db, userId: string, limits: StorageLimits): Promise<void> {
    const used = await this.used.get(userId, async () => {
      const user = await db.user.findUnique({ where: { id: userId }, select: { labStorageBytes: true } });
      return { bytes: user?.labStorageBytes ?? 0 };
    });
    if ((used?.bytes ?? 0) >= limits.quotaBytes) throw new LabStorageFull(FR_STORAGE_FULL);
  }

  /** `bytes` were stored for the learner (the row committed). */
  charged(userId: string, bytes: number): void {
    const used = this.used.peek(userId);
    if (used) used.bytes += bytes;
  }
}

export type StorageView = { usedBytes: number; quotaBytes: number };

async function mayManage(db: Db, actor: { id: string; role: Role }, studentId: string): Promise<boolean> {
  const student = await db.user.findUnique({ where: { id: studentId } });
  if (!student || roleOf(student) !== "student") return false;
  return actor.role === "admin" || (actor.role === "instructor" && (await teachesStudent(db, actor.id, studentId)));
}

/** A learner's usage, for their instructor (or an admin); null for anyone else. */
export async function labStorageUsage(
  db: Db,
  actor: { id: string; role: Role },
  studentId: string,
  limits: StorageLimits = storageLimitsFromEnv(),
): Promise<StorageView | null> {
  if (!(await mayManage(db, actor, studentId))) return null;
  const user = await db.user.findUniqueOrThrow({ where: { id: studentId }, select: { labStorageBytes: true } });
  return { usedBytes: user.labStorageBytes, quotaBytes: limits.quotaBytes };
}

/** The instructor lets the learner go on: the usage counter starts again from zero. */
export async function resetLabStorage(db: Db, actor: { id: string; role: Role }, studentId: string): Promise<boolean> {
  if (!(await mayManage(db, actor, studentId))) return false;
  await db.user.update({ where: { id: studentId }, data: { labStorageBytes: 0 } });
  emitProcessEvent("storage-reset", studentId);
  return true;
}
