/** Per-learner limits of the lab API (in memory: they protect this server's CPU). */
export interface LabLimits {
  /** Sustained commands per second, and the burst allowed above it. */
  commandsPerSecond: number;
  burst: number;
  /** Longest command line or file accepted, in characters. */
  maxInputChars: number;
  maxFileChars: number;
  /** Longest explicit wait per request (the client asks for the real time elapsed, capped). */
  maxAdvanceMs: number;
}

export const DEFAULT_LIMITS: LabLimits = {
  commandsPerSecond: 5,
  burst: 10,
  maxInputChars: 4096,
  maxFileChars: 65_536,
  maxAdvanceMs: 30_000,
};

export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): LabLimits {
  const rate = Number(env.LAB_COMMANDS_PER_SECOND ?? "");
  if (!Number.isFinite(rate) || rate <= 0) return DEFAULT_LIMITS;
  return { ...DEFAULT_LIMITS, commandsPerSecond: rate, burst: Math.max(1, Math.round(rate * 2)) };
}

export const FR_TOO_MANY = "Trop de commandes d’affilée : attendez un instant avant de réessayer.";
export const frTooLong = (max: number) => `Commande trop longue : ${max} caractères au maximum.`;
export const frFileTooLong = (max: number) => `Fichier trop long : ${max} caractères au maximum.`;

/** Token bucket per learner: `burst` commands at once, then `commandsPerSecond`. */
export class CommandRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limits: Pick<LabLimits, "commandsPerSecond" | "burst">,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; returns the seconds to wait when there is none. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.limits.burst, at: t };
    b.tokens = Math.min(this.limits.burst, b.tokens + ((t - b.at) / 1000) * this.limits.commandsPerSecond);
    b.at = t;
    this.buckets.set(key, b);
    if (this.buckets.size > 10_000) this.forgetFull(t);
    if (b.tokens < 1) {
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.limits.commandsPerSecond)),
      };
    }
    b.tokens -= 1;
    return { allowed: true };
  }

  /** Buckets refilled to the brim say nothing: drop them so the map stays small. */
  private forgetFull(t: number): void {
    for (const [k, b] of this.buckets)
      if (b.tokens + ((t - b.at) / 1000) * this.limits.commandsPerSecond >= this.limits.burst) this.buckets.delete(k);
  }
}
