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

/**
 * Counts one request for `key` in a fixed window, in the same `rateLimit` table better-auth
 * uses for its HTTP API (server actions do not pass through better-auth's router, so they
 * are limited here). One transaction: concurrent attempts cannot both read a stale count.
 */
export async function consumeRateLimit(db: Db, key: string, rule: RateRule, now = Date.now()): Promise<RateDecision> {
  return db.$transaction(async (tx) => {
    const row = await tx.rateLimit.findUnique({ where: { key } });
    const windowMs = rule.window * 1000;
    if (!row) {
      await tx.rateLimit.create({ data: { id: randomUUID(), key, count: 1, lastRequest: BigInt(now) } });
      return { allowed: true };
    }
    const last = Number(row.lastRequest);
    if (now - last >= windowMs) {
      await tx.rateLimit.update({ where: { key }, data: { count: 1, lastRequest: BigInt(now) } });
      return { allowed: true };
    }
    if (row.count >= rule.max) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((last + windowMs - now) / 1000)) };
    }
    await tx.rateLimit.update({ where: { key }, data: { count: row.count + 1 } });
    return { allowed: true };
  });
}

/** The client address as the reverse proxy (or `next start`) reports it. */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers.get("x-real-ip")?.trim() || "unknown";
}
