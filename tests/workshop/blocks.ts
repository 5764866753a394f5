/**
 * The workshop's shell blocks as the course shows them: every ```bash fence of the MDX
 * chapters, with its `target=host|node1|node2`, in chapter order, split into the command
 * lines a learner types (here-documents stay with their command).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const CONTENT_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../content");

export interface BashBlock {
  chapter: string;
  /** 1-based line of the opening fence in the chapter file. */
  line: number;
  target: string;
  commands: string[];
}

const FENCE = /^```bash(?:\s+(.*))?$/;

export function chapterFiles(): string[] {
  return readdirSync(CONTENT_DIR)
    .filter((f) => /^\d\d-.*\.mdx$/.test(f))
    .sort();
}

/** Split a block's text into command lines (comments and blank lines dropped). */
export function commandLines(body: string[]): string[] {
  const out: string[] = [];
  let heredoc: string | null = null;
  for (const raw of body) {
    if (heredoc !== null) {
      out[out.length - 1] += `\n${raw}`;
      if (raw.trim() === heredoc) heredoc = null;
      continue;
    }
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    // a trailing comment after a command (`drbdadm up r0   # Demarrer`) is part of what is typed
    out.push(line);
    const h = /<<-?\s*['"]?([A-Za-z_]\w*)['"]?/.exec(line);
    if (h) heredoc = h[1] as string;
  }
  return out;
}

export function bashBlocks(file: string): BashBlock[] {
  const lines = readFileSync(join(CONTENT_DIR, file), "utf8").split("\n");
  const blocks: BashBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = FENCE.exec(lines[i] as string);
    if (!m) continue;
    const target = /target=(\S+)/.exec(m[1] ?? "")?.[1];
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j] as string).startsWith("```")) body.push(lines[j++] as string);
    if (!target) throw new Error(`${file}:${i + 1}: bash block without target=`);
    blocks.push({ chapter: file, line: i + 1, target, commands: commandLines(body) });
    i = j;
  }
  return blocks;
}
