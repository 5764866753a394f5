import { randomUUID } from "node:crypto";
import type { Db } from "./db";

export interface RateRule {
  /** seconds */
  window: number;
  max: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Sign-in attempts per IP and minute; SIGNIN_RATE_LIMIT overrides the default 5. */
export function signInRateRule(env: NodeJS.ProcessEnv = process.env): RateRule {
  const raw = env.SIGNIN_RATE_LIMIT?.trim();
  const max = raw ? Number.parseInt(raw, 10) : 5;
  if (!Number.isInteger(max) || max < 1) throw new Error(`SIGNIN_RATE_LIMIT must be a positive integer, got "${raw}"`);
  return { window: 60, max };
}

/** The count column is a 32-bit integer on PostgreSQL: a larger `max` means no limit. */
const INT32_MAX = 2 ** 31 - 1;

/**
 * Counts one request for `key` in a fixed window, in the same `rateLimit` table better-auth
 * uses for its HTTP API (server actions do not pass through better-auth's router, so they
 * are limited here). Every step is one conditional statement (no read-then-write), so that
 * concurrent attempts, on one server or several sharing a PostgreSQL, are counted exactly.
 */
export async function consumeRateLimit(db: Db, key: string, rule: RateRule, now = Date.now()): Promise<RateDecision> {
  const windowStart = BigInt(now - rule.window * 1000);
  for (let attempt = 0; attempt < 5; attempt++) {
    // in the current window, below the limit: count it
    const counted = await db.rateLimit.updateMany({
      where: { key, lastRequest: { gt: windowStart }, count: { lt: Math.min(rule.max, INT32_MAX) } },
      data: { count: { increment: 1 } },
    });
    if (counted.count === 1) return { allowed: true };
    // the window is over: start a new one
    const renewed = await db.rateLimit.updateMany({
      where: { key, lastRequest: { lte: windowStart } },
      data: { count: 1, lastRequest: BigInt(now) },
    });
    if (renewed.count === 1) return { allowed: true };
    const row = await db.rateLimit.findUnique({ where: { key } });
    if (row) {
      const last = Number(row.lastRequest);
      if (row.count < rule.max || last <= now - rule.window * 1000) continue; // changed meanwhile
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((last + rule.window * 1000 - now) / 1000)) };
    }
    try {
      await db.rateLimit.create({ data: { id: randomUUID(), key, count: 1, lastRequest: BigInt(now) } });
      return { allowed: true };
    } catch (e) {
      if ((e as { code?: string }).code !== "P2002") throw e; // created by a concurrent attempt: count again
    }
  }
  throw new Error(`rate limit ${key}: too much contention`);
}

/** The client address as the reverse proxy (or `next start`) reports it. */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers.get("x-real-ip")?.trim() || "unknown";
}
