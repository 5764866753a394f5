import type { Db } from "./db";
import { consumeRateLimit, type RateRule } from "./rate-limit";

/**
 * Failed sign-ins per account, whatever address they come from: after `max` failures in
 * `window` seconds the account refuses every password (the right one too) until the window
 * ends. Counted per submitted e-mail, existing or not, so the answer reveals nothing.
 */
export function accountLockoutRule(env: Partial<NodeJS.ProcessEnv> = process.env): RateRule {
  const raw = env.SIGNIN_ACCOUNT_FAILURES?.trim();
  const max = raw ? Number.parseInt(raw, 10) : 10;
  if (!Number.isInteger(max) || max < 1) {
    throw new Error(`SIGNIN_ACCOUNT_FAILURES must be a positive integer, got "${raw}"`);
  }
  return { window: 15 * 60, max };
}

const key = (email: string) => `account:sign-in-failures:${email.trim().toLowerCase()}`;

/** Seconds until the account accepts sign-ins again, or 0 when it does now. */
export async function accountLockedFor(db: Db, email: string, rule: RateRule, now = Date.now()): Promise<number> {
  const row = await db.rateLimit.findUnique({ where: { key: key(email) } });
  if (!row || row.count < rule.max) return 0;
  const ends = Number(row.lastRequest) + rule.window * 1000;
  return ends > now ? Math.ceil((ends - now) / 1000) : 0;
}

export async function recordFailedSignIn(db: Db, email: string, rule: RateRule, now = Date.now()): Promise<void> {
  // the counter itself may not refuse: the decision is accountLockedFor's
  await consumeRateLimit(db, key(email), { window: rule.window, max: Number.MAX_SAFE_INTEGER }, now);
}

export async function clearFailedSignIns(db: Db, email: string): Promise<void> {
  await db.rateLimit.deleteMany({ where: { key: key(email) } });
}

export const FR_ACCOUNT_LOCKED = (seconds: number) => {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `Trop d’échecs de connexion pour ce compte. Réessayez dans ${minutes} minute${minutes > 1 ? "s" : ""}.`;
};
