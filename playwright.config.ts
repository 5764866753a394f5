import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { freePort } from "./lib/testing/free-port";

// The config is evaluated again in every worker: pin the port and the database in the
// environment so that they all agree with the web server started once.
process.env.E2E_PORT ??= String(await freePort());
process.env.E2E_DB_DIR ??= mkdtempSync(path.join(tmpdir(), "drbd-lab-e2e-"));
const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`;

export default defineConfig({
  testDir: "e2e",
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  globalTeardown: "./e2e/global-teardown.ts",
  use: { baseURL, trace: "retain-on-failure", locale: "fr-FR" },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
          ],
        },
      },
    },
  ],
  // The real start path (`npm start`'s script: build check, migrate, seed, next start) on a
  // fresh temporary database, never the developer's data/drbd-lab.db.
  webServer: {
    command: "npx tsx scripts/start.ts",
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: process.env.E2E_PORT,
      HOSTNAME: "127.0.0.1",
      DATABASE_URL: `file:${path.join(process.env.E2E_DB_DIR, "e2e.db")}`,
      BETTER_AUTH_URL: baseURL,
      BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
      DRBD_LAB_MODE: "demo",
      // Every test signs in; the limit itself is covered by lib/accounts.test.ts.
      SIGNIN_RATE_LIMIT: "1000",
    },
  },
});
