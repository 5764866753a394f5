// `npm run build`: check every chapter's MDX, then `next build` and the lab worker's bundle
// (.next/lab-worker.mjs, scripts/build-worker.ts), then stamp the inputs so
// that `npm start` can skip an up-to-date build.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { buildFingerprint, FINGERPRINT_FILE } from "./build-fingerprint";
import { buildLabWorker } from "./build-worker";
import { checkContent } from "./check-content";

export async function build(root = process.cwd()): Promise<void> {
  const fingerprint = buildFingerprint(root); // before building: edits made meanwhile force a rebuild
  await checkContent();
  execFileSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  await buildLabWorker(root); // after next build: it empties .next
  writeFileSync(path.join(root, FINGERPRINT_FILE), `${fingerprint}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await build();
}
