import { frNumber } from "@/graders/format";
import type { ClassView } from "./class-view";

/**
 * Gradebook CSV for Excel in French: UTF-8 with a BOM (else Excel reads Latin-1), `;` as the
 * separator and a decimal comma (Excel FR reads `7,5` as a number), CRLF line ends. One row per
 * student, one column per exercise (best score in points, empty when never attempted), then
 * the total in % (the same number as the heatmap).
 */
export const CSV_BOM = "\uFEFF";

function field(raw: string): string {
  // A cell starting with = + - @, a tab or a carriage return can run as a formula in Excel or
  // LibreOffice (OWASP "CSV injection"): a leading apostrophe makes it text.
  const value = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[";\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A decimal comma, no thousands separator: Excel FR reads the cell as a number. */
const number = (n: number) => frNumber(n, { grouping: false });

export function gradebookCsv(view: ClassView): string {
  const header = ["Nom", "E-mail", ...view.exercises.map((e) => `${e.id} (/${e.points})`), "Total (%)"];
  const lines = [header.map(field).join(";")];
  for (const s of view.students) {
    const own = view.cells[s.id] ?? {};
    const scores = view.exercises.map((e) => {
      const c = own[e.id];
      return c ? number(c.bestScore) : "";
    });
    lines.push([field(s.name), field(s.email), ...scores, String(s.totalPercent)].join(";"));
  }
  return `${CSV_BOM}${lines.join("\r\n")}\r\n`;
}
