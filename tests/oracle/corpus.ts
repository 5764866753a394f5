/**
 * The differential corpus: every DRBD configuration the project ships or tests (course pages,
 * lab solutions, the workshop source, engine fixtures, configuration strings of the tests),
 * plus the seeded variants of generator.ts. Each case is a set of files under /etc, the host
 * drbdadm runs as (`uname -n`), and the commands compared.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { DRBD_CONF, GLOBAL_COMMON_CONF, R0_RES } from "@/engine/drbd/config/defaults";
import { generateVariants } from "./generator";

export interface OracleCase {
  /** Stable id: source and index ("content/10-annexes.mdx#1", "gen/missing-semicolon/7"). */
  id: string;
  /** Lab node drbdadm runs on (hostname; its lab address is on the host). */
  host: "node1" | "node2" | "node3";
  /** Absolute paths: /etc/drbd.conf and files under /etc/drbd.d. */
  files: Record<string, string>;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The lab's three files with some of them replaced. */
export function labFiles(over: Record<string, string> = {}): Record<string, string> {
  return {
    "/etc/drbd.conf": DRBD_CONF,
    "/etc/drbd.d/global_common.conf": GLOBAL_COMMON_CONF,
    "/etc/drbd.d/r0.res": R0_RES,
    ...over,
  };
}

/** First keyword of a snippet, comments skipped. */
function firstWord(text: string): string {
  for (const line of text.split("\n")) {
    const t = line.replace(/#.*/, "").trim();
    if (t) return t.split(/[\s{;]/)[0] ?? "";
  }
  return "";
}

/** A snippet as files: whole files keep their `# /etc/drbd.d/X` name, sections go into r0. */
export function snippetFiles(text: string): Record<string, string> {
  const parts: { path: string | null; body: string }[] = [];
  let cur: { path: string | null; body: string } = { path: null, body: "" };
  for (const line of text.split("\n")) {
    const m = /^#\s*(\/etc\/drbd\.(?:conf|d\/[\w.-]+))\s*$/.exec(line);
    if (m) {
      if (cur.body.trim() || cur.path) parts.push(cur);
      cur = { path: m[1] as string, body: "" };
      continue;
    }
    cur.body += `${line}\n`;
  }
  parts.push(cur);
  const files: Record<string, string> = {};
  for (const p of parts) {
    if (!p.body.trim() && !p.path) continue;
    const w = firstWord(p.body);
    if (p.path) files[p.path] = p.body;
    else if (w === "global" || w === "common") files["/etc/drbd.d/global_common.conf"] = p.body;
    else if (w === "resource" || w === "include" || w === "skip") files["/etc/drbd.d/snippet.res"] = p.body;
    else files["/etc/drbd.d/r0.res"] = R0_RES.replace("resource r0 {\n", `resource r0 {\n${p.body}`);
  }
  // a snippet that redefines r0 replaces the lab's r0.res
  const snippet = files["/etc/drbd.d/snippet.res"];
  const over = { ...files };
  if (snippet && /^\s*resource\s+r0\b/m.test(snippet)) {
    delete over["/etc/drbd.d/snippet.res"];
    over["/etc/drbd.d/r0.res"] = snippet;
  }
  return labFiles(over);
}

function walk(dir: string, pred: (p: string) => boolean, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, pred, out);
    else if (pred(p)) out.push(p);
  }
  return out;
}

const looksLikeConfig = (s: string) =>
  /\b(resource|common|global)\s+[\w"-]*\s*\{/.test(s) || /^\s*(net|disk|handlers|options|startup)\s*\{/m.test(s);

/** ```drbd blocks and heredocs of the course pages, lab solutions and the workshop source. */
function courseCases(): OracleCase[] {
  const out: OracleCase[] = [];
  const docs = [
    ...walk(join(ROOT, "content"), (p) => /\.(mdx|md|lab)$/.test(p)),
    join(ROOT, "content", "source", "workshop-drbd.md"),
  ].filter((p, i, a) => a.indexOf(p) === i);
  for (const file of docs) {
    const text = readFileSync(file, "utf8");
    const rel = relative(ROOT, file);
    const snippets: string[] = [];
    for (const m of text.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm))
      if (!(m[1] as string).startsWith("bash")) snippets.push(m[2] as string);
    for (const m of text.matchAll(/<<\s*'?(\w+)'?\n([\s\S]*?)\n\1\n/g)) snippets.push(`${m[2]}\n`);
    let i = 0;
    for (const s of snippets) {
      if (!looksLikeConfig(s) || /^\s*(node\d|host)\$|^\s*\$ /m.test(s) || /postgres|listen_addresses/.test(s))
        continue;
      out.push({ id: `${rel}#${i++}`, host: "node1", files: snippetFiles(s) });
    }
    // `sed -i 's|^resource r0 {|…|' /etc/drbd.d/r0.res` edits of the solutions, applied to the lab's r0
    for (const m of text.matchAll(/sed -i 's\|\^resource r0 \{\|(.*?)\|' \/etc\/drbd\.d\/r0\.res/g)) {
      const body = (m[1] as string).replace(/\\n/g, "\n");
      out.push({
        id: `${rel}#sed${i++}`,
        host: "node1",
        files: labFiles({ "/etc/drbd.d/r0.res": R0_RES.replace(/^resource r0 \{/m, body) }),
      });
    }
  }
  return out;
}

/** The engine's fixture trees (engine/drbd/config/fixtures/NAME/etc), renamed to the lab's hosts. */
function fixtureCases(): OracleCase[] {
  const base = join(ROOT, "engine", "drbd", "config", "fixtures");
  const out: OracleCase[] = [];
  for (const name of readdirSync(base).sort()) {
    const etc = join(base, name, "etc");
    const files: Record<string, string> = {};
    for (const p of walk(etc, () => true)) files[`/etc/${relative(etc, p)}`] = readFileSync(p, "utf8");
    if (!files["/etc/drbd.conf"]) files["/etc/drbd.conf"] = DRBD_CONF;
    for (const host of ["node1", "node2", "node3"] as const) out.push({ id: `fixtures/${name}@${host}`, host, files });
  }
  return out;
}

/** Template strings of the tests that are whole configuration files (no `${}`), as /etc/drbd.conf. */
function testStringCases(): OracleCase[] {
  const files = [
    ...walk(join(ROOT, "engine"), (p) => p.endsWith(".test.ts")),
    ...walk(join(ROOT, "tests"), (p) => p.endsWith(".ts") && !p.includes("/oracle/")),
    ...walk(join(ROOT, "graders"), (p) => p.endsWith(".test.ts")),
  ];
  const out: OracleCase[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    if (!text.includes("resource ")) continue;
    const rel = relative(ROOT, file);
    let i = 0;
    for (const m of text.matchAll(/`((?:[^`\\$]|\\.|\$(?!\{))*)`/g)) {
      const s = (m[1] as string).replace(/\\`/g, "`").replace(/\\\\/g, "\\");
      if (!/^\s*(#[^\n]*\n\s*)*(resource|global|common|include|skip)\b/.test(s) || !s.includes("{")) continue;
      out.push({ id: `${rel}#${i++}`, host: "node1", files: { "/etc/drbd.conf": s.endsWith("\n") ? s : `${s}\n` } });
    }
  }
  return out;
}

/** A stacked resource (8.4-style `stacked-on-top-of`) over the lab's r0, seen from node1 and node3. */
function stackedCases(): OracleCase[] {
  const res = `resource r0-U {
    net {
        protocol A;
    }
    stacked-on-top-of r0 {
        device /dev/drbd10;
        address 172.28.0.21:7789;
    }
    on node3 {
        device /dev/drbd10;
        disk /dev/sda1;
        address 172.28.0.13:7789;
        meta-disk internal;
    }
}
`;
  return [
    ...(["node1", "node3"] as const).map((host) => ({
      id: `stacked/r0-U@${host}`,
      host,
      files: labFiles({ "/etc/drbd.d/r0-U.res": res }),
    })),
    // the stacked address on node1 itself: the named commands pass verify_ips() there too
    {
      id: "stacked/r0-U-local@node1",
      host: "node1",
      files: labFiles({ "/etc/drbd.d/r0-U.res": res.replace("172.28.0.21:7789", "172.28.0.11:7790") }),
    },
  ];
}

export function buildCorpus(): OracleCase[] {
  const all = [
    ...courseCases(),
    ...fixtureCases(),
    ...stackedCases(),
    ...testStringCases(),
    ...generateVariants(20261207),
  ];
  const seen = new Set<string>();
  return all.filter((c) => {
    const key = `${c.host}\0${JSON.stringify(Object.entries(c.files).sort())}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
