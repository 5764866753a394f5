/** Which engine wrote a checkpoint (lib/labs/checkpoints.ts); read on the request thread, no engine code. */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

let build: string | undefined;

/**
 * The engine build: checkpoints written by other engine code are not restored (its replay
 * might differ). LAB_ENGINE_BUILD when set, else a digest of the engine's sources and of the
 * versions of the packages it runs on.
 */
export function engineBuild(): string {
  if (build) return build;
  if (process.env.LAB_ENGINE_BUILD) {
    build = process.env.LAB_ENGINE_BUILD;
    return build;
  }
  const h = createHash("sha256");
  const root = process.cwd();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|sh|conf|txt|json)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) {
        h.update(path.relative(root, p));
        h.update(readFileSync(p));
      }
    }
  };
  walk(path.join(root, "engine"));
  for (const pkg of ["just-bash", "@electric-sql/pglite"]) {
    try {
      h.update(readFileSync(path.join(root, "node_modules", pkg, "package.json")));
    } catch {
      h.update(`${pkg}:absent`);
    }
  }
  build = h.digest("hex").slice(0, 24);
  return build;
}
