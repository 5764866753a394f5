// Completeness of the course: every chapter in content/ must carry everything its workshop
// section has (code lines, diagrams byte for byte, table rows, headings, prose, objective
// lists), embed each exercise exactly once, and compile as MDX. The audit functions take
// sources, so the same checks are run on deliberately broken copies to prove they can fail.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compile, createProcessor } from "@mdx-js/mdx";
import matter from "gray-matter";
import remarkGfm from "remark-gfm";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const here = path.dirname(fileURLToPath(import.meta.url));
// The workshop is kept in the repo (content/source) so the suite runs from any clone; when the
// steering copy sits beside the clone (as in CI), the two must not drift apart.
const WORKSHOP_PATH = process.env.WORKSHOP_MD ?? path.resolve(here, "source/workshop-drbd.md");
const STEERING_COPY = path.resolve(here, "../../shared/seed/workshop-drbd.md");

const EXERCISE_IDS = [
  "tp1",
  "tp2",
  "tp3",
  "tp4",
  "tp5",
  "ex1.1",
  "ex1.2",
  "ex2.1",
  "ex2.2",
  "ex3.1",
  "ex3.2",
  "ex4.1",
  "ex4.2",
  "ex5.1",
  "ex5.2",
  "ex9.1",
  "ex9.2",
  "ex9.3",
  "ex9.4",
  "quiz",
];
const SLUGS = [
  "introduction",
  "concepts",
  "environnement",
  "tp1",
  "tp2",
  "tp3",
  "tp4",
  "tp5",
  "exercices-avances",
  "annexes",
  "quiz-final",
];
const COMPONENTS = new Set(["Lab", "Exercise", "Objectives", "RealDrbd", "CourseEnd"]);
const FENCE_LANGS = new Set(["bash", "drbd", "text"]);
// Facts of real DRBD 9 the "Dans un vrai cluster" notes must teach (see drbd-behavior.md).
const REAL_DRBD_FACTS = [
  "drbdadm create-md r0",
  "drbdadm up r0",
  "drbdadm primary --force r0",
  "drbdadm status r0",
  "drbdadm secondary r0",
  "peer-disk:",
  "cs:",
  "Connecting",
  "Established",
  "StandAlone",
  "uname -n",
  "auto-promote",
  "première écriture",
  "disconnect",
  "Split-Brain detected but unresolved, dropping connection!",
  "c-max-rate",
  "resync-rate",
  "c-plan-ahead 20",
  "c-plan-ahead 0",
  "drbdadm -- --discard-my-data connect r0",
  "drbdadm connect --discard-my-data r0",
  "node-id",
  "connection-mesh",
  "quorum",
  "latence",
  "pgbench -i -s 10 testdb",
  "postgresql-contrib",
  "BBU",
  "octets",
  "KiB/s",
  "pages",
];
// Spelling mistakes and English terms of the workshop that the chapters correct (normalized
// forms of its paragraphs and headings). One term for each notion across the course: « limite
// de débit » (rate limit), « débit » (throughput), « délai de grâce » (grace period), « hôte »
// (host), « liste de contrôle » (checklist), « réglage des performances » (performance tuning).
const WORKSHOP_TYPOS: Record<string, string> = {
  "drbd comme ressource gere": "drbd comme ressource geree",
  "ajouter un rate limit de 100m pour la synchronisation":
    "ajouter une limite de debit de 100m pour la synchronisation",
  "attend 30 secondes grace period": "attend 30 secondes delai de grace",
  "maximiser le throughput de synchronisation": "maximiser le debit de synchronisation",
  "ou des conteneurs privilegies avec acces au module drbd du host":
    "ou des conteneurs privilegies avec acces au module drbd de l hote",
  "c performance tuning": "c reglage des performances",
  "d checklist de production": "d liste de controle pour la production",
};
// Workshop words that lost their accents; any of them left in prose means a missed fix.
const UNACCENTED =
  /\b(etape|etat|etats|donnees|noeuds?|reseau|replication|securite|creer|verifier|demarrer|disponibilite|resolution|repertoire|metadonnees|deconnecte|synchronises|felicitations|termine|avances|integration|recuperation|coherence|parametres)\b/i;

const frontmatterSchema = z.strictObject({
  title: z.string().min(3),
  order: z.number().int().min(1).max(11),
  slug: z.string().regex(/^[a-z0-9-]+$/),
  summary: z.string().regex(/^[^\n]{10,200}[.!]$/),
  exercises: z.array(z.string()),
  lab: z
    .string()
    .regex(/^(tp[1-5]|ex9)$/)
    .optional(),
});

interface MdNode {
  type: string;
  children?: MdNode[];
  value?: string;
  lang?: string | null;
  meta?: string | null;
  depth?: number;
  name?: string | null;
  url?: string;
  attributes?: Array<{ type: string; name?: string; value?: unknown }>;
  position?: { start: { line: number }; end: { line: number } };
}

interface Chapter {
  file: string;
  data: Record<string, unknown>;
  body: string;
  tree: MdNode;
}

const mdxProcessor = createProcessor({ remarkPlugins: [remarkGfm] });
const mdProcessor = createProcessor({ format: "md", remarkPlugins: [remarkGfm] });

function parse(source: string, format: "md" | "mdx"): MdNode {
  return (format === "md" ? mdProcessor : mdxProcessor).parse(source) as unknown as MdNode;
}

function walk(node: MdNode, visit: (n: MdNode) => void): void {
  visit(node);
  for (const child of node.children ?? []) walk(child, visit);
}

function findAll(nodes: MdNode[], type: string): MdNode[] {
  const found: MdNode[] = [];
  for (const n of nodes) walk(n, (d) => d.type === type && found.push(d));
  return found;
}

/** Visible text of a node (text and inline code), code blocks excluded. */
function textOf(node: MdNode, opts: { inlineCode?: boolean; notes?: boolean } = {}): string {
  const { inlineCode = true, notes = true } = opts;
  if (node.type === "code") return "";
  if (node.type === "text") return node.value ?? "";
  if (node.type === "inlineCode") return inlineCode ? (node.value ?? "") : "";
  if (!notes && node.name === "RealDrbd") return "";
  return (node.children ?? []).map((c) => textOf(c, opts)).join(" ");
}

/** Accents, case, punctuation and markdown emphasis do not count. */
function norm(s: string): string {
  return (
    s
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/œ/g, "oe")
      .replace(/æ/g, "ae")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, " ")
      .trim()
      // the chapters name the machines by their host names: "Node 1" is written node1
      .replace(/\bnode (\d)\b/g, "node$1")
  );
}

const nonEmpty = (l: string) => l.trim() !== "";
const isDiagram = (code: string) => /[┌└│├─]/.test(code);

/** Workshop nodes per chapter order: preamble and table of contents go to 1, "Quiz Final" to 11. */
function splitWorkshop(root: MdNode): Map<number, MdNode[]> {
  const sections = new Map<number, MdNode[]>();
  let current = 1;
  for (const node of root.children ?? []) {
    if (node.type === "heading" && node.depth === 2) {
      const text = textOf(node);
      const numbered = /^(\d+)\.\s/.exec(text);
      if (numbered) current = Number(numbered[1]);
      else if (/quiz/i.test(text)) current = 11;
    }
    const list = sections.get(current) ?? [];
    list.push(node);
    sections.set(current, list);
  }
  return sections;
}

function loadChapter(file: string, raw: string): Chapter {
  const { data, content } = matter(raw);
  return { file, data, body: content, tree: parse(content, "mdx") };
}

function jsxElements(tree: MdNode): MdNode[] {
  const found: MdNode[] = [];
  walk(tree, (n) => (n.type === "mdxJsxFlowElement" || n.type === "mdxJsxTextElement") && found.push(n));
  return found;
}

function attr(node: MdNode, name: string): unknown {
  return node.attributes?.find((a) => a.type === "mdxJsxAttribute" && a.name === name)?.value;
}

function auditCode(ws: MdNode[], ch: Chapter): string[] {
  const problems: string[] = [];
  const chBlocks = findAll([ch.tree], "code");
  const chLines = chBlocks.flatMap((b) => (b.value ?? "").split("\n")).filter(nonEmpty);
  // Counting first names the removed line itself; the ordered pass below then catches moves.
  const wsLines = findAll(ws, "code")
    .flatMap((b) => (b.value ?? "").split("\n"))
    .filter(nonEmpty);
  const count = (lines: string[]) => lines.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  const have = count(chLines);
  for (const [line, n] of count(wsLines)) {
    if ((have.get(line) ?? 0) < n) problems.push(`${ch.file}: code line missing: ${line}`);
  }
  if (problems.length > 0) return problems;
  let j = 0;
  for (const [k, block] of findAll(ws, "code").entries()) {
    const value = block.value ?? "";
    for (const line of value.split("\n").filter(nonEmpty)) {
      while (j < chLines.length && chLines[j] !== line) j++;
      if (j === chLines.length) {
        problems.push(`${ch.file}: workshop code block ${k}: line missing or out of order: ${line}`);
        return problems;
      }
      j++;
    }
    if (!block.lang && isDiagram(value) && !chBlocks.some((b) => b.lang === "text" && b.value === value)) {
      problems.push(`${ch.file}: workshop diagram ${k} is not reproduced byte for byte in a text fence`);
    }
  }
  return problems;
}

function tableRows(nodes: MdNode[]): string[] {
  return findAll(nodes, "tableRow").map((row) => (row.children ?? []).map((c) => norm(textOf(c))).join(" | "));
}

function auditTables(ws: MdNode[], ch: Chapter): string[] {
  const rows = new Set(tableRows([ch.tree]));
  return tableRows(ws)
    .filter((r) => !rows.has(r))
    .map((r) => `${ch.file}: table row missing: ${r}`);
}

function auditHeadings(ws: MdNode[], ch: Chapter): string[] {
  const problems: string[] = [];
  const headings = new Set(findAll([ch.tree], "heading").map((h) => norm(textOf(h))));
  for (const h of findAll(ws, "heading")) {
    const text = textOf(h);
    if (h.depth === 1) continue; // the workshop title is prose in chapter 1, checked with the prose
    const isSectionTitle = h.depth === 2 && (/^\d+\.\s/.test(text) || /quiz/i.test(text));
    if (isSectionTitle) {
      if (norm(text.replace(/^\d+\.\s*/, "")) !== norm(String(ch.data.title))) {
        problems.push(`${ch.file}: title "${String(ch.data.title)}" does not match section "${text}"`);
      }
    } else if (!headings.has(WORKSHOP_TYPOS[norm(text)] ?? norm(text))) {
      problems.push(`${ch.file}: heading missing: ${text}`);
    }
  }
  return problems;
}

/** Workshop paragraphs, list items and title, in order, in the chapter's own text (notes excluded). */
function auditProse(ws: MdNode[], ch: Chapter): string[] {
  const chText = ` ${norm(textOf(ch.tree, { notes: false }))} `;
  const pieces: MdNode[] = [];
  for (const n of ws)
    walk(n, (d) => (d.type === "paragraph" || (d.type === "heading" && d.depth === 1)) && pieces.push(d));
  let at = 0;
  for (const p of pieces) {
    const raw = norm(textOf(p));
    const t = WORKSHOP_TYPOS[raw] ?? raw;
    if (t === "") continue;
    const found = chText.indexOf(` ${t} `, at);
    if (found < 0) return [`${ch.file}: prose missing or out of order: ${t}`];
    at = found + t.length;
  }
  return [];
}

function auditObjectives(ws: MdNode[], ch: Chapter): string[] {
  const problems: string[] = [];
  const wrapped = jsxElements(ch.tree).filter((e) => e.name === "Objectives");
  const wsLists: MdNode[] = [];
  ws.forEach((n, i) => {
    const next = ws[i + 1];
    if (n.type === "heading" && norm(textOf(n)) === "objectifs" && next?.type === "list") wsLists.push(next);
  });
  if (wrapped.length !== wsLists.length) {
    problems.push(`${ch.file}: ${wsLists.length} objective list(s) in the workshop, ${wrapped.length} <Objectives>`);
  }
  wsLists.forEach((list, i) => {
    const inside = norm(wrapped[i] ? textOf(wrapped[i]) : "");
    for (const item of list.children ?? []) {
      if (!inside.includes(norm(textOf(item))))
        problems.push(`${ch.file}: objective not in <Objectives>: ${textOf(item)}`);
    }
  });
  return problems;
}

function auditFences(ch: Chapter): string[] {
  const problems: string[] = [];
  const blocks = findAll([ch.tree], "code");
  for (const [i, b] of blocks.entries()) {
    const where = `${ch.file}: fence ${i} (${b.lang ?? "no language"})`;
    if (!b.lang || !FENCE_LANGS.has(b.lang)) problems.push(`${where}: language must be bash, drbd or text`);
    if (b.lang !== "bash") continue;
    const target = /(?:^|\s)target=(host|node1|node2)(?:\s|$)/.exec(b.meta ?? "")?.[1];
    if (!target) {
      problems.push(`${where}: bash fence without target=host|node1|node2`);
      continue;
    }
    const commands = (b.value ?? "").split("\n").filter((l) => nonEmpty(l) && !l.trim().startsWith("#"));
    for (const [n, line] of commands.entries()) {
      if (target !== "host" && /^docker(-compose)?\s/.test(line))
        problems.push(`${where}: docker command on a node: ${line}`);
      // `docker exec -it drbd-nodeN bash` opens a shell on nodeN: what follows belongs to nodeN's fence.
      const exec = /^docker exec -it drbd-(node\d) bash$/.exec(line);
      if (!exec) continue;
      if (n !== commands.length - 1) problems.push(`${where}: commands after "${line}" must be in a ${exec[1]} fence`);
      const next = blocks.slice(i + 1).find((x) => x.lang === "bash");
      if (next && !new RegExp(`target=${exec[1]}\\b`).test(next.meta ?? "")) {
        problems.push(`${where}: the fence after "${line}" must have target=${exec[1]}`);
      }
    }
  }
  return problems;
}

function auditTypography(ch: Chapter): string[] {
  const problems: string[] = [];
  walk(ch.tree, (n) => {
    if (
      (n.type === "paragraph" || n.type === "heading" || n.type === "tableCell") &&
      UNACCENTED.test(textOf(n, { inlineCode: false }))
    ) {
      problems.push(`${ch.file}: unaccented French: ${textOf(n, { inlineCode: false }).slice(0, 80)}`);
    }
  });
  return problems;
}

/** Everything one chapter must carry from its workshop section. */
function auditChapter(ws: MdNode[], ch: Chapter): string[] {
  return [
    ...auditCode(ws, ch),
    ...auditTables(ws, ch),
    ...auditHeadings(ws, ch),
    ...auditProse(ws, ch),
    ...auditObjectives(ws, ch),
    ...auditFences(ch),
    ...auditTypography(ch),
  ];
}

/** Exercise ids, labs and notes across the whole course. */
function auditComponents(chapters: Chapter[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const ch of chapters) {
    const elements = jsxElements(ch.tree);
    for (const e of elements)
      if (!COMPONENTS.has(e.name ?? "")) problems.push(`${ch.file}: unknown component <${e.name}>`);
    const exercises = elements.filter((e) => e.name === "Exercise").map((e) => String(attr(e, "id")));
    for (const id of exercises) seen.set(id, (seen.get(id) ?? 0) + 1);
    if (JSON.stringify(exercises) !== JSON.stringify(ch.data.exercises)) {
      problems.push(
        `${ch.file}: frontmatter exercises ${JSON.stringify(ch.data.exercises)} != embedded ${JSON.stringify(exercises)}`,
      );
    }
    const labs = elements.filter((e) => e.name === "Lab").map((e) => String(attr(e, "id")));
    const lab = ch.data.lab;
    const wantLabs = lab === "ex9" ? ["ex9.1", "ex9.2", "ex9.3", "ex9.4"] : typeof lab === "string" ? [lab] : [];
    if (JSON.stringify(labs) !== JSON.stringify(wantLabs))
      problems.push(`${ch.file}: labs ${JSON.stringify(labs)}, expected ${JSON.stringify(wantLabs)}`);
    const top = ch.tree.children ?? [];
    const labAt = top.findIndex((n) => n.name === "Lab");
    const objAt = top.findIndex((n) => n.name === "Objectives");
    if (typeof lab === "string" && lab.startsWith("tp") && !(objAt >= 0 && labAt > objAt)) {
      problems.push(`${ch.file}: <Lab> must come right after the objectives`);
    }
    for (const note of elements.filter((e) => e.name === "RealDrbd")) {
      const lines = (note.position?.end.line ?? 0) - (note.position?.start.line ?? 0) - 1;
      if (norm(textOf(note)).length < 40)
        problems.push(`${ch.file}: empty <RealDrbd> at line ${note.position?.start.line}`);
      if (lines > 14)
        problems.push(`${ch.file}: <RealDrbd> at line ${note.position?.start.line} is too long (${lines} lines)`);
    }
  }
  for (const id of EXERCISE_IDS)
    if (seen.get(id) !== 1) problems.push(`exercise ${id} embedded ${seen.get(id) ?? 0} times`);
  for (const id of seen.keys()) if (!EXERCISE_IDS.includes(id)) problems.push(`unknown exercise id ${id}`);
  const notes = chapters.flatMap((ch) =>
    jsxElements(ch.tree)
      .filter((e) => e.name === "RealDrbd")
      .map((e) => textOf(e)),
  );
  const allNotes = notes.join("\n");
  for (const fact of REAL_DRBD_FACTS)
    if (!allNotes.includes(fact)) problems.push(`no "Dans un vrai cluster" note mentions ${fact}`);
  return problems;
}

const workshop = splitWorkshop(parse(readFileSync(WORKSHOP_PATH, "utf8"), "md"));
const files = readdirSync(here)
  .filter((f) => f.endsWith(".mdx"))
  .sort();
const sources = new Map(files.map((f) => [f, readFileSync(path.join(here, f), "utf8")]));
const chapters = files.map((f) => loadChapter(f, sources.get(f) ?? ""));
const byOrder = new Map(chapters.map((ch) => [Number(ch.data.order), ch]));

function sectionOf(order: number): MdNode[] {
  const ws = workshop.get(order);
  if (!ws) throw new Error(`workshop has no section for chapter ${order}`);
  return ws;
}

/** Audit a modified copy of one chapter. */
function auditEdited(file: string, edit: (src: string) => string): string[] {
  const src = sources.get(file) ?? "";
  const edited = edit(src);
  expect(edited, "the edit must change the source").not.toBe(src);
  const ch = loadChapter(file, edited);
  return [
    ...auditChapter(sectionOf(Number(ch.data.order)), ch),
    ...auditComponents(chapters.map((c) => (c.file === file ? ch : c))),
  ];
}

describe("chapter files", () => {
  it("works from the repo's copy of the workshop, identical to the steering copy when present", () => {
    const copy = readFileSync(WORKSHOP_PATH, "utf8");
    expect(copy).toContain("## 4. TP1 - Installation et Configuration de Base");
    if (existsSync(STEERING_COPY)) expect(copy).toBe(readFileSync(STEERING_COPY, "utf8"));
  });

  it("has one chapter per workshop section, in order, with valid frontmatter", () => {
    expect(files).toHaveLength(11);
    expect([...workshop.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    for (const ch of chapters) {
      const fm = frontmatterSchema.parse(ch.data);
      expect(ch.file.startsWith(`${String(fm.order).padStart(2, "0")}-${fm.slug}`), ch.file).toBe(true);
      expect(fm.slug).toBe(SLUGS[fm.order - 1]);
      expect(fm.lab !== undefined, `${ch.file} lab`).toBe(fm.slug.startsWith("tp") || fm.slug === "exercices-avances");
    }
    expect(new Set(chapters.map((c) => c.data.order)).size).toBe(11);
    expect(new Set(chapters.map((c) => c.data.slug)).size).toBe(11);
  });

  it.each(files)("%s compiles as MDX", async (file) => {
    const ch = chapters.find((c) => c.file === file);
    await expect(compile(ch?.body ?? "", { remarkPlugins: [remarkGfm] })).resolves.toBeDefined();
  });

  it.each(files)("%s carries all of its workshop section", (file) => {
    const ch = chapters.find((c) => c.file === file);
    if (!ch) throw new Error(file);
    expect(auditChapter(sectionOf(Number(ch.data.order)), ch)).toEqual([]);
  });

  it("embeds every exercise exactly once, the labs where they belong, and real-DRBD notes", () => {
    expect(auditComponents(chapters)).toEqual([]);
  });

  it("links the table of contents to every chapter", () => {
    const intro = byOrder.get(1);
    const links = findAll(intro ? [intro.tree] : [], "link").map((l) => l.url);
    for (const slug of SLUGS) expect(links).toContain(`/cours/${slug}`);
    const allLinks = chapters.flatMap((ch) => findAll([ch.tree], "link").map((l) => l.url ?? ""));
    for (const url of allLinks.filter((u) => u.startsWith("/cours/"))) expect(SLUGS).toContain(url.slice(7));
  });
});

describe("the audit rejects incomplete or broken chapters", () => {
  it("a removed command line", () => {
    const problems = auditEdited("04-tp1.mdx", (s) => s.replace("/scripts/drbd-init.sh start\n", ""));
    expect(problems).toEqual(["04-tp1.mdx: code line missing: /scripts/drbd-init.sh start"]);
    const pg = auditEdited("07-tp4.mdx", (s) => s.replace('su - postgres -c "pg_ctl -D /mnt/drbd/pgdata start"\n', ""));
    expect(pg).toContain('07-tp4.mdx: code line missing: su - postgres -c "pg_ctl -D /mnt/drbd/pgdata start"');
  });

  it("commands swapped out of order", () => {
    const problems = auditEdited("06-tp3.mdx", (s) =>
      s.replace(
        "umount /mnt/drbd\n\n# Passer en Secondary\n/scripts/drbd-role.sh secondary",
        "/scripts/drbd-role.sh secondary\n\n# Passer en Secondary\numount /mnt/drbd",
      ),
    );
    expect(problems.join("\n")).toMatch(/out of order/);
  });

  it("an accent added inside a diagram", () => {
    const problems = auditEdited("01-introduction.mdx", (s) => s.replace("│ Reseau    │", "│ Réseau    │"));
    expect(problems.join("\n")).toMatch(/code line missing: .*Reseau/);
  });

  it("a diagram shifted by one space", () => {
    const problems = auditEdited("02-concepts.mdx", (s) =>
      s.replace("│                    ROLES DES NOEUDS DRBD", "│                     ROLES DES NOEUDS DRBD"),
    );
    expect(problems.join("\n")).toMatch(/ROLES DES NOEUDS/);
  });

  it("a diagram split into two fences", () => {
    const problems = auditEdited("03-environnement.mdx", (s) =>
      s.replace(
        "│   │   ┌─────────────────┐                                           │   │\n",
        "```\n\n```text\n│   │   ┌─────────────────┐                                           │   │\n",
      ),
    );
    expect(problems.join("\n")).toMatch(/diagram \d+ is not reproduced byte for byte/);
  });

  it("a dropped table row", () => {
    const problems = auditEdited("02-concepts.mdx", (s) =>
      s.replace("| **UpToDate/Outdated** | Le secondaire a pris du retard |\n", ""),
    );
    expect(problems).toContain(
      "02-concepts.mdx: table row missing: uptodate outdated | le secondaire a pris du retard",
    );
  });

  it("a dropped heading, objective, question and prose", () => {
    expect(auditEdited("04-tp1.mdx", (s) => s.replace("## Étape 4 : Vérifier l’état du cluster\n", ""))).toContain(
      "04-tp1.mdx: heading missing: Etape 4: Verifier l'etat du cluster",
    );
    expect(auditEdited("06-tp3.mdx", (s) => s.replace("- Simuler une panne et récupérer\n", "")).join("\n")).toMatch(
      /objective not in <Objectives>: Simuler/,
    );
    expect(auditEdited("11-quiz-final.mdx", (s) => s.replace(/^3\. .*\n/m, "")).join("\n")).toMatch(
      /prose missing or out of order: comment drbd gere t il un split brain/,
    );
    expect(auditEdited("07-tp4.mdx", (s) => s.replace("Sur **node2** :", "")).join("\n")).toMatch(
      /prose missing or out of order: sur node2/,
    );
  });

  it("a wrong chapter title", () => {
    expect(
      auditEdited("05-tp2.mdx", (s) => s.replace('title: "TP2 — Modes de réplication"', 'title: "TP2"')).join("\n"),
    ).toMatch(/does not match section/);
  });

  it("fences without a target, on the wrong machine, or after docker exec", () => {
    expect(auditEdited("04-tp1.mdx", (s) => s.replace("```bash target=node2", "```bash")).join("\n")).toMatch(
      /without target/,
    );
    expect(
      auditEdited("04-tp1.mdx", (s) =>
        s.replace("```bash target=host\n# Cloner", "```bash target=node1\n# Cloner"),
      ).join("\n"),
    ).toMatch(/docker command on a node/);
    expect(
      auditEdited("04-tp1.mdx", (s) =>
        s.replace(
          "docker exec -it drbd-node2 bash\n```\n\n```bash target=node2\n",
          "docker exec -it drbd-node2 bash\n",
        ),
      ).join("\n"),
    ).toMatch(/must be in a node2 fence/);
    expect(
      auditEdited("06-tp3.mdx", (s) =>
        s.replace("```bash target=node2\n/scripts/resolve", "```bash target=node1\n/scripts/resolve"),
      ).join("\n"),
    ).toMatch(/must have target=node2/);
    expect(
      auditEdited("10-annexes.mdx", (s) =>
        s.replace("```drbd\n# /etc/drbd.d/global_common.conf", "```\n# /etc/drbd.d/global_common.conf"),
      ).join("\n"),
    ).toMatch(/language must be/);
  });

  it("missing, duplicated or unknown exercises and labs", () => {
    expect(auditEdited("04-tp1.mdx", (s) => s.replace('<Exercise id="ex1.2" />', ""))).toContain(
      "exercise ex1.2 embedded 0 times",
    );
    expect(auditEdited("05-tp2.mdx", (s) => s.replace('<Exercise id="ex2.2" />', '<Exercise id="ex2.1" />'))).toContain(
      "exercise ex2.1 embedded 2 times",
    );
    expect(auditEdited("08-tp5.mdx", (s) => s.replace('<Exercise id="ex5.2" />', '<Exercise id="ex5.3" />'))).toContain(
      "unknown exercise id ex5.3",
    );
    expect(auditEdited("07-tp4.mdx", (s) => s.replace('<Lab id="tp4" />', '<Lab id="tp3" />')).join("\n")).toMatch(
      /labs \["tp3"\]/,
    );
    expect(
      auditEdited("07-tp4.mdx", (s) =>
        s.replace('<Lab id="tp4" />\n', "").replace("## Architecture", '<Lab id="tp4" />\n\n## Architecture'),
      ),
    ).toEqual([]);
    expect(
      auditEdited("07-tp4.mdx", (s) =>
        s.replace('<Lab id="tp4" />\n', "").replace("## Objectifs", '<Lab id="tp4" />\n\n## Objectifs'),
      ).join("\n"),
    ).toMatch(/after the objectives/);
  });

  it("an empty real-DRBD note or a lost fact", () => {
    expect(
      auditEdited("01-introduction.mdx", (s) =>
        s.replace(/<RealDrbd>[\s\S]*?<\/RealDrbd>/, "<RealDrbd>\n\n</RealDrbd>"),
      ).join("\n"),
    ).toMatch(/empty <RealDrbd>/);
    expect(
      auditEdited("08-tp5.mdx", (s) =>
        s.replace("drbdadm -- --discard-my-data connect r0` est", "l’ancienne syntaxe est"),
      ),
    ).toContain('no "Dans un vrai cluster" note mentions drbdadm -- --discard-my-data connect r0');
  });

  it("prose that lost its accents", () => {
    expect(
      auditEdited("03-environnement.mdx", (s) =>
        s.replace("## 3.3 Structure des fichiers", "## 3.3 Structure des fichiers du repertoire"),
      ).join("\n"),
    ).toMatch(/unaccented French/);
  });

  it("MDX syntax errors", async () => {
    const body = chapters[0]?.body ?? "";
    await expect(
      compile(`${body}\nUne {accolade ouverte} en prose.\n`, { remarkPlugins: [remarkGfm] }),
    ).rejects.toThrow();
    await expect(compile(`${body}\nSi a <b alors.\n`, { remarkPlugins: [remarkGfm] })).rejects.toThrow();
  });
});
