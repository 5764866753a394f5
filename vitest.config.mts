import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./", import.meta.url)) } },
  test: {
    include: [
      "engine/**/*.test.ts",
      "graders/**/*.test.ts",
      "app/**/*.test.ts",
      "lib/**/*.test.ts",
      "content/**/*.test.ts",
      "tests/**/*.test.ts",
    ],
    exclude: ["node_modules", "e2e", ".next"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
