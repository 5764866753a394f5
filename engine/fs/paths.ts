/** POSIX path helpers (pure, no node:path so the engine runs in the browser). */

export function splitPath(p: string): string[] {
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out;
}

export function normalizePath(p: string): string {
  return `/${splitPath(p).join("/")}`;
}

export function joinPath(base: string, rel: string): string {
  return rel.startsWith("/") ? normalizePath(rel) : normalizePath(`${base}/${rel}`);
}

export function dirname(p: string): string {
  const parts = splitPath(p);
  parts.pop();
  return `/${parts.join("/")}`;
}

export function basename(p: string): string {
  const parts = splitPath(p);
  return parts[parts.length - 1] ?? "";
}

/** Is `p` equal to `dir` or inside it? Both normalised absolute paths. */
export function isWithin(p: string, dir: string): boolean {
  return dir === "/" || p === dir || p.startsWith(`${dir}/`);
}
