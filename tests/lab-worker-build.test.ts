// The lab worker's script: `npm start` rebuilds when the bundle is missing, and the pool picks
// the bundle only in production (the dev server and tests run the sources through tsx).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { workerEntry } from "@/lib/labs/pool";
import { buildFingerprint, buildIsCurrent, FINGERPRINT_FILE } from "@/scripts/build-fingerprint";

const root = mkdtempSync(path.join(tmpdir(), "drbd-lab-build-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("lab worker build output", () => {
  it("a build without .next/lab-worker.mjs is not current; with it, it is", () => {
    mkdirSync(path.join(root, "lib", "labs"), { recursive: true });
    writeFileSync(path.join(root, "lib", "labs", "x.ts"), "export const x = 1;\n");
    mkdirSync(path.join(root, ".next"), { recursive: true });
    writeFileSync(path.join(root, ".next", "BUILD_ID"), "id\n");
    writeFileSync(path.join(root, FINGERPRINT_FILE), `${buildFingerprint(root)}\n`);
    expect(buildIsCurrent(root)).toBe(false);
    writeFileSync(path.join(root, ".next", "lab-worker.mjs"), "// bundle\n");
    expect(buildIsCurrent(root)).toBe(true);
    writeFileSync(path.join(root, "lib", "labs", "x.ts"), "export const x = 2;\n");
    expect(buildIsCurrent(root)).toBe(false);
  });

  it("the pool runs the bundle under next start only", () => {
    const bundle = path.join(root, ".next", "lab-worker.mjs");
    const sources = path.join(root, "lib", "labs", "worker", "bootstrap.mjs");
    expect(workerEntry(root, { NODE_ENV: "production" })).toBe(bundle);
    expect(workerEntry(root, { NODE_ENV: "development" })).toBe(sources);
    expect(workerEntry(root, { NODE_ENV: "test" })).toBe(sources);
    rmSync(bundle);
    expect(workerEntry(root, { NODE_ENV: "production" })).toBe(sources);
  });
});
