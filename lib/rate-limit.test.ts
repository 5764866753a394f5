import { afterAll, describe, expect, it } from "vitest";
import { clientIp, consumeRateLimit, signInRateRule } from "./rate-limit";
import { createTempDatabase } from "./testing/temp-db";

const tmp = createTempDatabase();
afterAll(() => tmp.cleanup());

describe("consumeRateLimit", () => {
  const rule = { window: 60, max: 3 };

  it("allows max requests per window, then refuses with the seconds to wait", async () => {
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) expect(await consumeRateLimit(tmp.db, "k1", rule, t0 + i)).toEqual({ allowed: true });
    expect(await consumeRateLimit(tmp.db, "k1", rule, t0 + 10_000)).toEqual({ allowed: false, retryAfterSeconds: 50 });
    // another key is independent
    expect(await consumeRateLimit(tmp.db, "k2", rule, t0 + 10_000)).toEqual({ allowed: true });
    // a new window starts once the previous one is over
    expect(await consumeRateLimit(tmp.db, "k1", rule, t0 + 60_000)).toEqual({ allowed: true });
  });

  it("counts concurrent attempts exactly", async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => consumeRateLimit(tmp.db, "burst", rule, 5_000)));
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
  });
});

describe("signInRateRule", () => {
  it("defaults to 5 per minute and reads SIGNIN_RATE_LIMIT", () => {
    expect(signInRateRule({} as NodeJS.ProcessEnv)).toEqual({ window: 60, max: 5 });
    expect(signInRateRule({ SIGNIN_RATE_LIMIT: "50" } as unknown as NodeJS.ProcessEnv)).toEqual({
      window: 60,
      max: 50,
    });
    expect(() => signInRateRule({ SIGNIN_RATE_LIMIT: "zero" } as unknown as NodeJS.ProcessEnv)).toThrow();
    expect(() => signInRateRule({ SIGNIN_RATE_LIMIT: "0" } as unknown as NodeJS.ProcessEnv)).toThrow();
  });
});

describe("clientIp", () => {
  it("takes the first forwarded address", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "10.0.0.1, 10.0.0.2" }))).toBe("10.0.0.1");
    expect(clientIp(new Headers({ "x-real-ip": "10.0.0.3" }))).toBe("10.0.0.3");
    expect(clientIp(new Headers())).toBe("unknown");
  });
});
