import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildFingerprint } from "../scripts/build-fingerprint";

const root = mkdtempSync(path.join(tmpdir(), "drbd-lab-fp-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("build fingerprint", () => {
  it("changes when a new file appears at the root (proxy.ts) or a root input changes, not for tool-only files", () => {
    mkdirSync(path.join(root, "app"));
    writeFileSync(path.join(root, "app", "page.tsx"), "export default 1;");
    writeFileSync(path.join(root, "next.config.mjs"), "export default {};");
    const first = buildFingerprint(root);
    writeFileSync(path.join(root, "proxy.ts"), "export function proxy() {}");
    const withProxy = buildFingerprint(root);
    expect(withProxy).not.toBe(first);
    writeFileSync(path.join(root, "instrumentation.ts"), "export function register() {}");
    expect(buildFingerprint(root)).not.toBe(withProxy);
    const now = buildFingerprint(root);
    writeFileSync(path.join(root, "README.md"), "# notes");
    writeFileSync(path.join(root, "vitest.config.mts"), "export default {};");
    writeFileSync(path.join(root, "tsconfig.tsbuildinfo"), "{}");
    expect(buildFingerprint(root)).toBe(now);
    writeFileSync(path.join(root, "next.config.mjs"), "export default { poweredByHeader: false };");
    expect(buildFingerprint(root)).not.toBe(now);
  });
});
