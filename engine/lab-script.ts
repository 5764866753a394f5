/**
 * Lab scripts: the headless door to a lab. A line `TARGET$ COMMAND` types COMMAND in a
 * terminal on TARGET (`host`, `node1`, … or `node1#t2` for a second terminal); lines without
 * a prompt continue the previous command (heredocs, multi-line loops); `#` lines are
 * comments; `wait 10s` lets virtual time pass. An optional `# scenario: ID` header picks the
 * starting scenario. The transcript echoes each command, then its output as the terminal showed it.
 */
import { type Lab, type ReplayEvent, replay } from "./lab";

export type Step =
  | { kind: "exec"; target: string; command: string; echo: string; line: number }
  | { kind: "wait"; ms: number; echo: string; line: number };

export interface ParsedScript {
  scenario?: string;
  seed?: number;
  steps: Step[];
  errors: string[];
}

const PROMPT = /^([A-Za-z][\w-]*(?:#[\w-]+)?)\$ ?(.*)$/;
const WAIT = /^wait\s+(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Heredoc delimiters opened by a line (`<<EOF`, `<<-'EOF'`, `<< "EOF"`). */
function heredocs(line: string): { word: string; dash: boolean }[] {
  const out: { word: string; dash: boolean }[] = [];
  const re = /<<(-?)\s*(['"]?)([A-Za-z_][\w]*)\2/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push({ word: m[3] as string, dash: m[1] === "-" });
  return out;
}

export function parseLabScript(text: string): ParsedScript {
  const result: ParsedScript = { steps: [], errors: [] };
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  if (lines.at(-1) === "") lines.pop();
  let pending: { word: string; dash: boolean }[] = [];
  let current: Extract<Step, { kind: "exec" }> | undefined;
  lines.forEach((raw, i) => {
    const n = i + 1;
    if (pending.length > 0 && current) {
      current.command += `\n${raw}`;
      current.echo += `\n${raw}`;
      const h = pending[0] as { word: string; dash: boolean };
      if ((h.dash ? raw.replace(/^\t+/, "") : raw) === h.word) pending.shift();
      return;
    }
    const header = /^#\s*(scenario|seed):\s*(\S+)\s*$/.exec(raw);
    if (header) {
      if (header[1] === "scenario") result.scenario = header[2] as string;
      else result.seed = Number(header[2]);
      return;
    }
    if (/^\s*#/.test(raw) || raw.trim() === "") {
      current = undefined;
      return;
    }
    const w = WAIT.exec(raw);
    if (w) {
      result.steps.push({ kind: "wait", ms: Number(w[1]) * (UNIT_MS[w[2] ?? "s"] as number), echo: raw, line: n });
      current = undefined;
      return;
    }
    const p = PROMPT.exec(raw);
    if (p) {
      current = { kind: "exec", target: p[1] as string, command: p[2] as string, echo: raw, line: n };
      result.steps.push(current);
      pending = heredocs(current.command);
      return;
    }
    if (current) {
      current.command += `\n${raw}`;
      current.echo += `\n${raw}`;
      pending = heredocs(raw);
      return;
    }
    result.errors.push(`line ${n}: expected "TARGET$ COMMAND", "wait DURATION" or a # comment, got: ${raw}`);
  });
  if (pending.length > 0 && current)
    result.errors.push(`line ${current.line}: here-document delimited by "${pending[0]?.word}" is not closed`);
  return result;
}

/** Validate targets against a lab's machines (host and the topology's nodes). */
export function checkTargets(lab: Lab, steps: Step[]): string[] {
  const errors: string[] = [];
  for (const s of steps) {
    if (s.kind !== "exec") continue;
    const machine = s.target.split("#")[0] as string;
    if (machine !== "host" && !lab.world.node(machine))
      errors.push(
        `line ${s.line}: unknown target "${machine}" (known: host, ${[...lab.world.nodes.keys()].join(", ")})`,
      );
  }
  return errors;
}

/** Run steps and return the transcript. */
export async function runLabScriptSteps(lab: Lab, steps: Step[]): Promise<string> {
  // the engine's one replay, as for a stored log: the transcript is what it printed
  const events: ReplayEvent[] = steps.map((s) =>
    s.kind === "wait"
      ? { kind: "wait", durationUs: Math.round(s.ms * 1000) }
      : { kind: "exec", target: s.target, input: s.command },
  );
  return replayTranscript(lab, events, (i) => (steps[i] as Step).echo);
}

/**
 * Replay events and return the transcript: each event's echo (`echo(index)`), then what it
 * printed as the terminal showed it, stdout and stderr in order (a command stopped by Ctrl-C ends
 * with ^C, as in the lab).
 */
export async function replayTranscript(
  lab: Lab,
  events: readonly ReplayEvent[],
  echo: (index: number) => string,
): Promise<string> {
  let out = "";
  await replay(lab, events, {
    step(_lab, r) {
      if (!r) return;
      out += `${echo(r.index)}\n`;
      if (r.kind === "wait") return;
      // as the terminal showed it: stdout and stderr interleaved in the order they were printed
      out += r.shown;
      if (r.shown && !r.shown.endsWith("\n")) out += "\n";
    },
  });
  return out;
}
