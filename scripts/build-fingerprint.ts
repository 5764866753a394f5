import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

// Everything `next build` reads. A change to any of these makes `npm start` rebuild.
const INPUT_DIRS = ["app", "lib", "content", "engine", "graders", "public", "generated"];
const INPUT_FILES = ["prisma/schema.prisma", "scripts/build-worker.ts"];
/** Made by the build besides .next/BUILD_ID: a build without them is not complete. */
const OUTPUTS = [path.join(".next", "lab-worker.mjs")];
// Every file at the root is an input (next.config.mjs, tsconfig.json, package.json, and any
// file Next.js picks up by its name there: proxy.ts, middleware.ts, instrumentation.ts…),
// except these, which only tools other than `next build` read, or which it writes itself.
const ROOT_NOT_INPUTS = new Set([
  "README.md",
  "biome.json",
  "playwright.config.ts",
  "vitest.config.mts",
  "prisma.config.ts",
  "next-env.d.ts",
]);
const SKIP = new Set(["node_modules", ".next", "data"]);
export const FINGERPRINT_FILE = path.join(".next", "drbd-lab-build-fingerprint");

function walk(dir: string, out: string[]) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile() && !/\.test\.tsx?$/.test(entry.name)) out.push(full);
  }
}

/** A hash of the contents of every build input (paths sorted, so it is stable). */
export function buildFingerprint(root = process.cwd()): string {
  const files: string[] = [];
  for (const dir of INPUT_DIRS) if (existsSync(path.join(root, dir))) walk(path.join(root, dir), files);
  for (const file of INPUT_FILES) if (existsSync(path.join(root, file))) files.push(path.join(root, file));
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    // *.tsbuildinfo: written by every `tsc --noEmit` (incremental), never read by the build
    const generated = entry.name.endsWith(".tsbuildinfo");
    if (entry.isFile() && !entry.name.startsWith(".") && !generated && !ROOT_NOT_INPUTS.has(entry.name)) {
      files.push(path.join(root, entry.name));
    }
  }
  files.sort();
  const hash = createHash("sha256");
  hash.update(`node ${process.version}\n`);
  for (const file of files) {
    hash.update(`${path.relative(root, file)}\n`);
    hash.update(readFileSync(file));
  }
  return hash.digest("hex");
}

/** True when .next holds a complete build made from exactly the current inputs. */
export function buildIsCurrent(root = process.cwd()): boolean {
  const stamp = path.join(root, FINGERPRINT_FILE);
  if (!existsSync(path.join(root, ".next", "BUILD_ID")) || !existsSync(stamp)) return false;
  if (OUTPUTS.some((f) => !existsSync(path.join(root, f)))) return false;
  if (statSync(stamp).mtimeMs < statSync(path.join(root, ".next", "BUILD_ID")).mtimeMs) return false;
  return readFileSync(stamp, "utf8").trim() === buildFingerprint(root);
}
