// `npm run build`: check every chapter's MDX, then `next build`, then stamp the inputs so
// that `npm start` can skip an up-to-date build.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { buildFingerprint, FINGERPRINT_FILE } from "./build-fingerprint";
import { checkContent } from "./check-content";

export async function build(root = process.cwd()): Promise<void> {
  const fingerprint = buildFingerprint(root); // before building: edits made meanwhile force a rebuild
  await checkContent();
  execFileSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  writeFileSync(path.join(root, FINGERPRINT_FILE), `${fingerprint}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await build();
}
