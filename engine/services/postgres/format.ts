/** psql's output: aligned tables, command tags, error reports (src/bin/psql/print.c, common.c). */
import type { PgNotice, StatementResult } from "./pglite";

/** Types psql right-aligns (print.c column_type_alignment: numeric types). */
const NUMERIC_OIDS = new Set([20, 21, 23, 26, 700, 701, 790, 1700]);

function width(s: string): number {
  return [...s].length;
}

/** One result as an aligned table, with "(N rows)" and a blank line, like psql's default. */
export function alignedTable(r: StatementResult, opts: { title?: string; footer?: boolean } = {}): string {
  const fields = r.fields ?? [];
  const right = fields.map((f) => NUMERIC_OIDS.has(f.dataTypeID));
  const cells = r.rows.map((row) => fields.map((_, i) => row[i] ?? ""));
  const w = fields.map((f, i) => Math.max(width(f.name), ...cells.map((row) => width(row[i] ?? ""))));
  let out = "";
  const total = w.reduce((a, b) => a + b + 3, -1);
  if (opts.title) out += `${" ".repeat(Math.max(0, Math.floor((total - width(opts.title)) / 2)))}${opts.title}\n`;
  out += `${fields
    .map((f, i) => {
      const pad = (w[i] ?? 0) - width(f.name);
      const left = Math.floor(pad / 2);
      return ` ${" ".repeat(left)}${f.name}${" ".repeat(pad - left)} `;
    })
    .join("|")}\n`;
  out += `${w.map((n) => "-".repeat(n + 2)).join("+")}\n`;
  for (const row of cells) {
    let line = "";
    row.forEach((c, i) => {
      const pad = " ".repeat((w[i] ?? 0) - width(c));
      const last = i === row.length - 1;
      line += i === 0 ? " " : "| ";
      line += right[i] ? `${pad}${c}` : `${c}${last ? "" : pad}`;
      if (!last) line += " ";
    });
    out += `${line}\n`;
  }
  if (opts.footer !== false) out += `(${r.rows.length} ${r.rows.length === 1 ? "row" : "rows"})\n`;
  return `${out}\n`;
}

/** Tuples only (-t): rows without header nor footer. */
export function tuplesOnly(r: StatementResult): string {
  const t = alignedTable(r, { footer: false }).split("\n");
  return `${t.slice(2).join("\n")}`;
}

/** Unaligned (-A): fields separated by |, header and footer unless -t. */
export function unaligned(r: StatementResult, tuples: boolean): string {
  const rows = r.rows.map((row) => row.map((c) => c ?? "").join("|"));
  if (tuples) return rows.map((l) => `${l}\n`).join("");
  const head = (r.fields ?? []).map((f) => f.name).join("|");
  return `${[head, ...rows].join("\n")}\n(${r.rows.length} ${r.rows.length === 1 ? "row" : "rows"})\n`;
}

/** An error or notice as psql prints it, with the LINE/caret context when the server gave a position. */
export function reportNotice(n: PgNotice, sql?: string): string {
  let out = `${n.severity}:  ${n.message}\n`;
  if (n.position !== undefined && sql !== undefined) {
    const chars = [...sql];
    const before = chars.slice(0, Math.max(0, n.position - 1)).join("");
    const lineNo = before.split("\n").length;
    const lineStart = before.lastIndexOf("\n") + 1;
    const line = sql.slice(lineStart).split("\n")[0] ?? "";
    const prefix = `LINE ${lineNo}: `;
    out += `${prefix}${line}\n${" ".repeat(width(prefix) + width(before.slice(lineStart)))}^\n`;
  }
  if (n.detail) out += `DETAIL:  ${n.detail}\n`;
  if (n.hint) out += `HINT:  ${n.hint}\n`;
  return out;
}

/** What psql prints for one statement's success: a table for row results, else the tag. */
export function statementOutput(r: StatementResult, mode: { tuples: boolean; unaligned: boolean }): string {
  if (r.fields) {
    if (mode.unaligned) return unaligned(r, mode.tuples);
    return mode.tuples ? tuplesOnly(r) : alignedTable(r);
  }
  return r.tag ? `${r.tag}\n` : "";
}
