/**
 * Commands that read or spend time, all on the virtual clock: `date` (GNU formats), `sleep`
 * (advances the clock, stops on Ctrl-C), `uptime`.
 */
import { US_PER_S } from "../../core/clock";
import type { CommandContext, CommandSpec } from "../../world/types";
import { lineCheckpoint } from "../line-control";
import { fail, labWorld, ok } from "./util";

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const p2 = (n: number) => String(n).padStart(2, "0");

/** strftime as GNU date does it, in UTC (containers run in UTC). */
export function strftime(fmt: string, ms: number): string {
  const d = new Date(ms);
  const Y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  const H = d.getUTCHours();
  const M = d.getUTCMinutes();
  const S = d.getUTCSeconds();
  const wd = d.getUTCDay();
  const jan1 = Date.UTC(Y, 0, 1);
  const yday = Math.floor((Date.UTC(Y, m, day) - jan1) / 86_400_000) + 1;
  let out = "";
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== "%" || i === fmt.length - 1) {
      out += c;
      continue;
    }
    const f = fmt[++i];
    switch (f) {
      case "Y":
        out += Y;
        break;
      case "y":
        out += p2(Y % 100);
        break;
      case "C":
        out += p2(Math.floor(Y / 100));
        break;
      case "m":
        out += p2(m + 1);
        break;
      case "d":
        out += p2(day);
        break;
      case "e":
        out += String(day).padStart(2);
        break;
      case "H":
        out += p2(H);
        break;
      case "k":
        out += String(H).padStart(2);
        break;
      case "I":
        out += p2(H % 12 === 0 ? 12 : H % 12);
        break;
      case "l":
        out += String(H % 12 === 0 ? 12 : H % 12).padStart(2);
        break;
      case "p":
        out += H < 12 ? "AM" : "PM";
        break;
      case "P":
        out += H < 12 ? "am" : "pm";
        break;
      case "M":
        out += p2(M);
        break;
      case "S":
        out += p2(S);
        break;
      case "N":
        out += String((ms % 1000) * 1_000_000).padStart(9, "0");
        break;
      case "s":
        out += Math.floor(ms / 1000);
        break;
      case "F":
        out += `${Y}-${p2(m + 1)}-${p2(day)}`;
        break;
      case "T":
        out += `${p2(H)}:${p2(M)}:${p2(S)}`;
        break;
      case "R":
        out += `${p2(H)}:${p2(M)}`;
        break;
      case "D":
        out += `${p2(m + 1)}/${p2(day)}/${p2(Y % 100)}`;
        break;
      case "a":
        out += (DAYS[wd] as string).slice(0, 3);
        break;
      case "A":
        out += DAYS[wd];
        break;
      case "b":
      case "h":
        out += (MONTHS[m] as string).slice(0, 3);
        break;
      case "B":
        out += MONTHS[m];
        break;
      case "c":
        out += strftime("%a %b %e %H:%M:%S %Y", ms);
        break;
      case "x":
        out += strftime("%m/%d/%y", ms);
        break;
      case "X":
        out += strftime("%H:%M:%S", ms);
        break;
      case "j":
        out += String(yday).padStart(3, "0");
        break;
      case "u":
        out += wd === 0 ? 7 : wd;
        break;
      case "w":
        out += wd;
        break;
      case "Z":
        out += "UTC";
        break;
      case "z":
        out += "+0000";
        break;
      case "n":
        out += "\n";
        break;
      case "t":
        out += "\t";
        break;
      case "%":
        out += "%";
        break;
      default:
        out += `%${f}`;
    }
  }
  return out;
}

/** GNU date's default format in the C locale. */
export const DATE_DEFAULT = "%a %b %e %H:%M:%S %Z %Y";

/** Parse `-d` strings: @EPOCH, YYYY-MM-DD[ HH:MM[:SS]], "now", "N seconds/minutes/hours/days ago". */
function parseDateString(s: string, nowMs: number): number | undefined {
  const t = s.trim();
  if (t === "" || t === "now") return nowMs;
  let m = /^@(-?\d+)$/.exec(t);
  if (m) return Number(m[1]) * 1000;
  m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (m)
    return Date.UTC(
      Number(m[1]),
      Number(m[2]) - 1,
      Number(m[3]),
      Number(m[4] ?? 0),
      Number(m[5] ?? 0),
      Number(m[6] ?? 0),
    );
  m = /^(-?\d+)\s*(sec|second|min|minute|hour|day|week)s?(\s+ago)?$/.exec(t);
  if (m) {
    const unit: Record<string, number> = {
      sec: 1,
      second: 1,
      min: 60,
      minute: 60,
      hour: 3600,
      day: 86400,
      week: 604800,
    };
    const n = Number(m[1]) * (unit[m[2] as string] as number) * 1000;
    return m[3] ? nowMs - n : nowMs + n;
  }
  if (t === "yesterday") return nowMs - 86_400_000;
  if (t === "tomorrow") return nowMs + 86_400_000;
  return undefined;
}

export const dateCommand: CommandSpec = {
  name: "date",
  where: "both",
  async run(ctx) {
    let ms = labWorld(ctx).wallMs();
    let format = DATE_DEFAULT;
    const args = [...ctx.args];
    while (args.length > 0) {
      const a = args.shift() as string;
      if (a.startsWith("+")) format = a.slice(1);
      else if (a === "-u" || a === "--utc" || a === "--universal") continue;
      else if (a === "-d" || a === "--date" || a.startsWith("--date=") || (a.startsWith("-d") && a.length > 2)) {
        const v = a === "-d" || a === "--date" ? args.shift() : a.startsWith("--date=") ? a.slice(7) : a.slice(2);
        if (v === undefined)
          return fail("date: option requires an argument -- 'd'\nTry 'date --help' for more information.");
        const parsed = parseDateString(v, ms);
        if (parsed === undefined) return fail(`date: invalid date '${v}'`);
        ms = parsed;
      } else if (a === "-R" || a === "--rfc-email") format = "%a, %d %b %Y %H:%M:%S %z";
      else if (a === "-I" || a === "--iso-8601" || a === "--iso-8601=date") format = "%F";
      else if (a === "-Iseconds" || a === "--iso-8601=seconds") format = "%FT%T+00:00";
      else if (a.startsWith("-") && a.length > 1)
        return fail(`date: invalid option -- '${a.slice(1, 2)}'\nTry 'date --help' for more information.`);
      else return fail(`date: invalid date '${a}'`);
    }
    return ok(`${strftime(format, ms)}\n`);
  },
};

/** `sleep 1.5`, `sleep 2m 10s`: seconds to sleep, or an error text. */
export function parseSleep(args: string[]): number | string {
  if (args.length === 0) return "sleep: missing operand\nTry 'sleep --help' for more information.";
  let total = 0;
  for (const a of args) {
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (!m) return `sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.`;
    const mult = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "" | "s" | "m" | "h" | "d"];
    total += Number(m[1]) * mult;
  }
  return total;
}

/** Longest step the clock takes at once while sleeping, so Ctrl-C can land in between. */
const SLEEP_STEP_US = 1 * US_PER_S;

/**
 * Spend virtual time until `end`, or until `done()` holds (a process blocked in the kernel, e.g.
 * I/O frozen by DRBD's suspend-io): null when it got there, else the exit status that stopped
 * it — 143 at an enclosing `timeout`'s deadline (SIGTERM), 130 for Ctrl-C or the line budget.
 */
export async function spendTime(ctx: CommandContext, end: number, done?: () => boolean): Promise<number | null> {
  const w = labWorld(ctx);
  const clock = w.clock;
  const machine = w.machineOf(ctx.node);
  const deadline = machine.deadline();
  // virtual time is free: only the line's work budget (a unit per step) bounds a long wait
  while (clock.now < end) {
    if (done?.()) return null;
    if (ctx.interrupted()) return 130;
    if (clock.now >= deadline) {
      machine.expireTimeouts();
      return 143;
    }
    // the terminal line's pacing and Ctrl-C (see line-control.ts); the clock moves on after it
    const next = Math.min(end, deadline, clock.now + SLEEP_STEP_US);
    if (await lineCheckpoint(w, next)) return 130;
    clock.advanceTo(next);
    // let an abort signal (Ctrl-C) be observed between steps
    await Promise.resolve();
  }
  return null;
}

export const sleepCommand: CommandSpec = {
  name: "sleep",
  where: "both",
  async run(ctx) {
    const s = parseSleep(ctx.args);
    if (typeof s === "string") return fail(s);
    // `timeout` kills the sleeper at its deadline (SIGTERM: 128 + 15)
    const code = await spendTime(ctx, labWorld(ctx).clock.now + Math.round(s * US_PER_S));
    return code === null ? ok() : fail("", code);
  },
};

/** "3:12", "5 min", "2 days,  4:05" as procps prints the uptime. */
export function formatUptime(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const mins = Math.floor((seconds % 3600) / 60);
  let s = "";
  if (days > 0) s += `${days} day${days === 1 ? "" : "s"}, `;
  if (hours > 0) s += `${String(hours).padStart(2)}:${p2(mins)}`;
  else s += `${mins} min`;
  return s;
}

export const uptimeCommand: CommandSpec = {
  name: "uptime",
  where: "both",
  async run(ctx) {
    const w = labWorld(ctx);
    const up = Math.floor(w.kernelUptimeUs() / US_PER_S);
    if (ctx.args.includes("-p") || ctx.args.includes("--pretty")) {
      const d = Math.floor(up / 86400);
      const h = Math.floor((up % 86400) / 3600);
      const m = Math.floor((up % 3600) / 60);
      const parts = [];
      if (d) parts.push(`${d} day${d === 1 ? "" : "s"}`);
      if (h) parts.push(`${h} hour${h === 1 ? "" : "s"}`);
      parts.push(`${m} minute${m === 1 ? "" : "s"}`);
      return ok(`up ${parts.join(", ")}\n`);
    }
    if (ctx.args.includes("-s") || ctx.args.includes("--since"))
      return ok(`${strftime("%F %T", w.wallMs() - up * 1000)}\n`);
    return ok(` ${strftime("%T", w.wallMs())} up ${formatUptime(up)},  0 users,  load average: 0.08, 0.05, 0.01\n`);
  },
};
