import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { appMode } from "./mode";
import { authSecret } from "./secret";

const dir = mkdtempSync(path.join(tmpdir(), "drbd-lab-secret-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = (vars: Record<string, string>) => vars as unknown as NodeJS.ProcessEnv;

describe("authSecret", () => {
  it("creates a demo secret once, private, and returns the same one afterwards", () => {
    const file = path.join(dir, "data", "auth-secret");
    const first = authSecret(env({}), file);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(file, "utf8").trim()).toBe(first);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(authSecret(env({}), file)).toBe(first);
  });

  it("prefers BETTER_AUTH_SECRET and rejects a short one", () => {
    const given = "x".repeat(40);
    expect(authSecret(env({ BETTER_AUTH_SECRET: given }), path.join(dir, "unused"))).toBe(given);
    expect(() => authSecret(env({ BETTER_AUTH_SECRET: "short" }), path.join(dir, "unused"))).toThrow(/at least 32/);
  });

  it("refuses to start production without a secret, and never writes one", () => {
    const file = path.join(dir, "prod", "auth-secret");
    expect(() => authSecret(env({ DRBD_LAB_MODE: "production" }), file)).toThrow(/BETTER_AUTH_SECRET is required/);
    expect(() => statSync(file)).toThrow();
  });
});

describe("appMode", () => {
  it("defaults to demo and rejects unknown values", () => {
    expect(appMode(env({}))).toBe("demo");
    expect(appMode(env({ DRBD_LAB_MODE: "production" }))).toBe("production");
    expect(() => appMode(env({ DRBD_LAB_MODE: "prod" }))).toThrow(/DRBD_LAB_MODE/);
  });
});
