/**
 * Run mode. `demo` (default) seeds demo accounts and creates its own auth secret;
 * `production` never seeds and refuses to start without BETTER_AUTH_SECRET.
 * (NODE_ENV is always "production" under `next start`, so it cannot tell the two apart.)
 */
export type AppMode = "demo" | "production";

export function appMode(env: NodeJS.ProcessEnv = process.env): AppMode {
  const value = env.DRBD_LAB_MODE?.trim() || "demo";
  if (value === "demo" || value === "production") return value;
  throw new Error(`DRBD_LAB_MODE must be "demo" or "production", got "${value}"`);
}
