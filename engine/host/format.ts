/** Docker CLI output helpers: go-units' HumanDuration, text/tabwriter tables, status texts. */
import { US_PER_S } from "../core/clock";
import type { Node } from "../world/node";

/** github.com/docker/go-units HumanDuration. */
export function humanDuration(us: number): string {
  const seconds = Math.floor(us / US_PER_S);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(seconds / 3600 + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
}

/** Go's text/tabwriter as the docker CLI configures it: minwidth 10, padding 3, last column free. */
export function tabwrite(rows: string[][], minWidth = 10, padding = 3): string {
  const cols = Math.max(...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < cols - 1; c++)
    widths.push(Math.max(minWidth, ...rows.map((r) => [...(r[c] ?? "")].length + padding)));
  return rows
    .map((r) => {
      let line = "";
      for (let c = 0; c < r.length; c++) {
        const cell = r[c] ?? "";
        line += c < r.length - 1 ? cell + " ".repeat(Math.max(0, (widths[c] as number) - [...cell].length)) : cell;
      }
      return `${line}\n`;
    })
    .join("");
}

/** `docker ps` STATUS column. */
export function containerStatus(node: Node, nowUs: number): string {
  if (node.state === "running") return `Up ${humanDuration(nowUs - node.startedAtUs)}`;
  if (node.state === "exited") return `Exited (${node.exitCode}) ${humanDuration(nowUs - node.finishedAtUs)} ago`;
  return "Created";
}

/** Go's Ellipsis: truncate to `max` display characters, the last being "…". */
export function ellipsis(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}

/** POSIX shell quoting for re-joining argv into a command line. */
export function shellQuote(args: string[]): string {
  return args.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}
