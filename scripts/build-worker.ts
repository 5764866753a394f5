// The lab worker thread's script for `next start`: lib/labs/worker/entry.ts and what it imports
// (engine, graders' scenarios, lib/labs) bundled into one ES module; packages stay in
// node_modules. Next bundles route code only, and a Worker needs a file of its own. The dev
// server and the tests start the same entry through tsx instead (lib/labs/worker/bootstrap.mjs).
import path from "node:path";
import { build } from "esbuild";

export const LAB_WORKER_BUNDLE = path.join(".next", "lab-worker.mjs");

export async function buildLabWorker(root = process.cwd()): Promise<string> {
  const outfile = path.join(root, LAB_WORKER_BUNDLE);
  await build({
    absWorkingDir: root,
    entryPoints: [path.join(root, "lib", "labs", "worker", "entry.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    tsconfig: path.join(root, "tsconfig.json"),
    sourcemap: "linked",
    logLevel: "warning",
  });
  return outfile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await buildLabWorker());
}
