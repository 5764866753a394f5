/** Glob matching of `include "..."` against the simulated /etc (glob(3) without flags). */
export function hasGlobMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

function globToRegExp(pattern: string): RegExp {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith("!")) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`${re}$`);
}

/** Makes a relative include path absolute against the including file's directory. */
export function resolveIncludePath(pattern: string, fromFile: string): string {
  if (pattern.startsWith("/")) return pattern;
  const dir = fromFile.slice(0, fromFile.lastIndexOf("/")) || "";
  const parts = `${dir}/${pattern}`.split("/");
  const out: string[] = [];
  for (const p of parts) {
    if (p === "" || p === ".") continue;
    if (p === "..") out.pop();
    else out.push(p);
  }
  return `/${out.join("/")}`;
}

/** The files a pattern names, sorted like glob(3); dot files only match an explicit dot. */
export function expandInclude(pattern: string, files: readonly string[]): string[] {
  if (!hasGlobMagic(pattern)) return files.includes(pattern) ? [pattern] : [];
  const re = globToRegExp(pattern);
  return files
    .filter((f) => re.test(f))
    .filter((f) => {
      const base = f.slice(f.lastIndexOf("/") + 1);
      const pbase = pattern.slice(pattern.lastIndexOf("/") + 1);
      return !base.startsWith(".") || pbase.startsWith(".");
    })
    .sort();
}
