import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("./", import.meta.url));
const dirs = ["engine", "graders", "app", "lib", "content", "tests"];
const include = [...dirs.map((d) => `${d}/**/*.test.ts`), "app/**/*.test.tsx"];

/**
 * The suites that touch the database (they open one with lib/testing/temp-db.ts or the lab API
 * harness): the only ones run a second time, on PostgreSQL.
 */
function databaseSuites(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== "node_modules") walk(rel);
      } else if (e.name.endsWith(".test.ts")) {
        const src = readFileSync(path.join(root, rel), "utf8");
        if (
          /testing\/temp-db|testing\/postgres"|labs\/test-harness|from "\.\/test-harness"|from "\.\.\/test-harness"/.test(
            src,
          )
        )
          found.push(rel);
      }
    }
  };
  for (const d of dirs) walk(d);
  return found.sort();
}

// PostgreSQL (TEST_POSTGRES_URL: an administrator URL on a throw-away server, see .ci/postgres.sh).
// CI must run both: without the URL, CI fails rather than skipping half the suite.
const postgresUrl = process.env.TEST_POSTGRES_URL?.trim();
if (!postgresUrl && process.env.CI === "true")
  throw new Error("CI=true but TEST_POSTGRES_URL is not set: the database suites must also run on PostgreSQL");

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    exclude: ["node_modules", "e2e", ".next"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      { extends: true as const, test: { name: "sqlite", include } },
      ...(postgresUrl
        ? [
            {
              extends: true as const,
              test: {
                name: "postgresql",
                include: databaseSuites(),
                env: { TEST_DATABASE_PROVIDER: "postgresql", TEST_POSTGRES_URL: postgresUrl },
              },
            },
          ]
        : []),
    ],
  },
});
