import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { appMode } from "./mode";

const MIN_LENGTH = 32;
export const DEMO_SECRET_FILE = path.join("data", "auth-secret");

/**
 * The key that signs session cookies. Production requires BETTER_AUTH_SECRET; demo mode
 * generates one on first use and keeps it in data/auth-secret, so restarts keep sessions.
 */
export function authSecret(env: NodeJS.ProcessEnv = process.env, file = path.resolve(DEMO_SECRET_FILE)): string {
  const given = (env.BETTER_AUTH_SECRET ?? env.AUTH_SECRET)?.trim();
  if (given) {
    if (given.length < MIN_LENGTH) throw new Error(`BETTER_AUTH_SECRET must be at least ${MIN_LENGTH} characters`);
    return given;
  }
  if (appMode(env) === "production") {
    throw new Error("BETTER_AUTH_SECRET is required when DRBD_LAB_MODE=production (e.g. `openssl rand -hex 32`)");
  }
  if (existsSync(/*turbopackIgnore: true*/ file)) {
    const stored = readFileSync(/*turbopackIgnore: true*/ file, "utf8").trim();
    if (stored.length >= MIN_LENGTH) return stored;
  }
  const created = randomBytes(32).toString("hex");
  mkdirSync(/*turbopackIgnore: true*/ path.dirname(file), { recursive: true });
  writeFileSync(/*turbopackIgnore: true*/ file, `${created}\n`, { mode: 0o600 });
  return created;
}
