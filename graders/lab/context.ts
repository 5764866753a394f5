import { z } from "zod";
import { restoreFor } from "../../engine/checkpoint";
import { parseConfig, type ResolvedResource, resolveResource } from "../../engine/drbd/config/index";
import {
  checkTargets,
  createLab,
  type ReplayStep as EngineReplayStep,
  getScenario,
  type Lab,
  type LabState,
  listScenarios,
  parseLabScript,
  type ReplayEvent,
  replay,
  type StateEvent,
  type Step,
} from "../../engine/index";
import type { DrbdResourceState } from "../../engine/lab-state";
import type { Diagnostic, Prepared } from "../types";

/**
 * A lab submission is replayed on the server, from the exercise's starting scenario: a lab
 * script (CLI, reference solutions) or the learner's recorded event log (the app). Checks then
 * look at the resulting cluster. Never trust state sent by a browser.
 */
export interface LabCtx {
  lab: Lab;
  /** `lab.state()` right after the replay, before any check ran. */
  state: LabStateView;
  /**
   * The commands typed, in order, with their terminal ("node1", "host#t2"...) and the machine
   * they ran on: a terminal that entered a node (`docker exec -it drbd-node1 bash`) runs its
   * commands there, and `docker exec drbd-node1 CMD` typed on the host runs CMD on node1.
   */
  commands: { target: string; machine: string; input: string; exitCode: number; atUs: number }[];
  /** Root-relative file read through the node's mounts; null when absent. No virtual time passes. */
  file(node: string, path: string): Promise<{ size: number; text: () => Promise<string> } | null>;
  /** Kernel log lines of a node (what `dmesg` prints, without timestamps), oldest first. */
  dmesg(node: string): { timeUs: number; text: string }[];
  /**
   * The typed DRBD state history of every node (events2: role, disk, connection, replication,
   * quorum, suspended, split brains), oldest first; what checks about "what happened" read.
   */
  history(): StateEvent[];
  /** DRBD state of a resource on a node (lab.state().subsystems.drbd); null when it is not up. */
  drbd(node: string, resource?: string): DrbdResourceView | null;
  /** The node's DRBD configuration as drbdadm would read it, resolved for that node. */
  config(node: string, resource?: string): Promise<ResolvedResource | null>;
  /** Why drbdadm refuses the node's configuration (French, with file:line), or null. */
  configError(node: string): Promise<string | null>;
}

/** One resource on one node, in DRBD's nouns (engine/drbd/snapshot.ts). */
export type DrbdResourceView = DrbdResourceState;

/** `lab.state()`, typed (engine/lab-state.ts). */
export type LabStateView = LabState;

/** One replayed step (the engine's replay), with the machine the command ran on ("lab" for a wait). */
export type ReplayStep = EngineReplayStep & { machine: string };

/**
 * Looks at the lab between the steps of the replay, for exercises whose outcome is a moment
 * rather than the end state (TP4: the data on node2 right after the failover, even if the
 * learner fails back afterwards; 9.3: what Pacemaker did after the crash). `step` is called
 * once before the first step (with null) and after every step. It reads the lab; a probe it
 * makes must not change what the learner's next commands see (a read-only query).
 */
export interface LabObserver<O> {
  step(lab: Lab, step: ReplayStep | null): void | Promise<void>;
  result(): O;
  /** False: the observer only follows the replay (progress), a replay may start from a checkpoint. */
  everyStep?: boolean;
  /** The replay started from a checkpoint holding this many of the log's commands. */
  skipped?(commands: number): void;
  /**
   * Everything the observer has recorded so far, as JSON (a checkpoint carries it: the worker's
   * live checks save it with the lab's state, lib/labs/checkpoints.ts); `load` puts it back in
   * a fresh observer, which then goes on from the checkpoint's step as if it had seen the ones
   * before. An observer without them makes every grading replay the whole log.
   */
  save?(): unknown;
  /** Throws on a state it does not recognize (the whole log is then replayed). */
  load?(state: unknown): void;
}

/** A lab context with what an observer recorded during the replay. */
export interface ObservedLabCtx<O> extends LabCtx {
  observed: O;
}

/** Bounds the work one grading may cost (the sandbox also bounds each command). */
export const MAX_STEPS = 2000;
const FILE = "solution.lab";

const eventsSubmission = z.strictObject({
  scenario: z.string(),
  seed: z.number().int(),
  events: z
    .array(
      z.union([
        z
          .object({
            kind: z.literal("exec"),
            target: z.string(),
            input: z.string().max(100_000),
            // where a Ctrl-C stopped the command: the replay stops it there too
            interruptedAtUs: z.number().int().nonnegative().nullish(),
            interruptedAtWork: z.number().int().nonnegative().nullish(),
          })
          .passthrough(),
        z.object({ kind: z.literal("wait"), durationUs: z.number().nonnegative() }).passthrough(),
      ]),
    )
    .max(MAX_STEPS),
  /**
   * The lab's state after the log's first events (engine/checkpoint.ts), added by the server
   * (never stored, never from a browser), and the machine each of those commands was typed on:
   * the replay starts there. Ignored when it does not fit the log, or when an observer must see
   * every step.
   */
  checkpoint: z
    .object({ bytes: z.instanceof(Uint8Array), machines: z.array(z.string()), observed: z.unknown().optional() })
    .optional(),
});

/**
 * Scenarios a submission may start from: the exercise's own, or one it is built on (its bases,
 * and "fresh" on the same topology) — a learner who redoes TP1 before TP3 reaches the same
 * cluster, and the checks look at what the replay produces. For an exercise of TP N, also the
 * end of an earlier TP (`tpK.done`, K < N) when that scenario is registered: the app's
 * "Repartir de la fin du TP précédent" (lib/labs/catalog.ts) starts there.
 */
export function allowedStarts(start: string, chapter?: string): string[] {
  const out = [start];
  for (let cur = getScenario(start).base; cur; cur = getScenario(cur).base) out.push(cur);
  const topology = getScenario(start).topology;
  if (!out.includes("fresh") && getScenario("fresh").topology === topology) out.push("fresh");
  const tp = /^tp(\d)$/.exec(chapter ?? "");
  if (tp) {
    for (const s of listScenarios()) {
      const k = /^tp(\d)\.done$/.exec(s.id);
      if (k && Number(k[1]) < Number(tp[1]) && s.topology === topology && !out.includes(s.id)) out.push(s.id);
    }
  }
  return out;
}

/** Where a lab submission starts: a scenario, or an exercise's scenario and chapter (see allowedStarts). */
export type LabStart = string | { scenario: string; chapter: string };

function invalid(diagnostics: Diagnostic[]): Prepared<LabCtx> {
  return { valid: false, reason: diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`).join("\n"), diagnostics };
}

const DOCKER_EXEC = /^\s*docker\s+exec\s+(.*)$/s;
const EXEC_VALUE_OPTIONS = new Set(["-u", "--user", "-w", "--workdir", "-e", "--env"]);

/**
 * The machine a command line runs on, typed in a terminal standing on `on`: there, or the node
 * of `docker exec [OPTIONS] CONTAINER CMD…` typed on the host (options as engine/host/docker.ts).
 */
export function commandMachine(lab: Lab, on: string, input: string): string {
  const m = DOCKER_EXEC.exec(input);
  if (on !== "host" || !m) return on;
  const words = (m[1] as string).trim().split(/\s+/);
  let i = 0;
  while (i < words.length && (words[i] as string).startsWith("-"))
    i += EXEC_VALUE_OPTIONS.has(words[i] as string) ? 2 : 1;
  const name = words[i];
  if (name === undefined || i + 1 >= words.length) return on;
  const node = [...lab.world.nodes.values()].find((n) => n.container === name || n.name === name);
  return node && !/^(\/(usr\/)?bin\/)?(ba)?sh$/.test(words[i + 1] as string) ? node.name : on;
}

/**
 * The engine's replay, letting the observer look after each event with the machine each command
 * ran on. Returns those machines, in order of the commands.
 */
async function replayWithMachines(
  lab: Lab,
  events: readonly ReplayEvent[],
  observer?: LabObserver<unknown>,
  /** The observer goes on from a checkpoint: it saw the lab before these events already. */
  resumed = false,
): Promise<string[]> {
  const machines: string[] = [];
  await replay(lab, events, {
    async step(l, step) {
      if (!step) return resumed ? undefined : observer?.step(l, null);
      const on = step.before?.machine ?? (step.target.split("#")[0] as string);
      const machine = step.kind === "wait" ? "lab" : commandMachine(l, on, step.input);
      if (step.kind === "exec") machines.push(machine);
      // the step's place in the whole log (a replay from a checkpoint counts from its tail)
      await observer?.step(l, { ...step, index: l.events().length - 1, machine });
    },
  });
  return machines;
}

/** A lab script's steps as the events the engine's replay runs. */
function scriptEvents(steps: Step[]): ReplayEvent[] {
  return steps.map((s) =>
    s.kind === "wait"
      ? { kind: "wait" as const, durationUs: Math.round(s.ms * 1000) }
      : { kind: "exec" as const, target: s.target, input: s.command },
  );
}

async function runSubmission(
  start: LabStart,
  submission: unknown,
  observer?: LabObserver<unknown>,
): Promise<Prepared<{ lab: Lab; machines: string[] }>> {
  const startScenario = typeof start === "string" ? start : start.scenario;
  const accepted = allowedStarts(startScenario, typeof start === "string" ? undefined : start.chapter);
  if (typeof submission === "string") {
    const parsed = parseLabScript(submission);
    const diags: Diagnostic[] = parsed.errors.map((e) => {
      const m = /^line (\d+): (.*)$/s.exec(e);
      return { file: FILE, line: Number(m?.[1] ?? 1), message: `Ligne de script invalide : ${m?.[2] ?? e}` };
    });
    if (parsed.scenario !== undefined && !accepted.includes(parsed.scenario)) {
      diags.push({
        file: FILE,
        line: 1,
        message: `Ce script part du scénario « ${parsed.scenario} » ; l’exercice part de « ${startScenario} ».`,
      });
    }
    if (parsed.steps.length > MAX_STEPS)
      diags.push({ file: FILE, line: 1, message: `Trop d’étapes (${parsed.steps.length}, ${MAX_STEPS} au plus).` });
    if (diags.length > 0) return { valid: false, reason: "", diagnostics: diags };
    const lab = await createLab({
      scenario: parsed.scenario ?? startScenario,
      ...(parsed.seed !== undefined ? { seed: parsed.seed } : {}),
    });
    const targets = checkTargets(lab, parsed.steps);
    if (targets.length > 0) {
      return {
        valid: false,
        reason: "",
        diagnostics: targets.map((e) => {
          const m = /^line (\d+): (.*)$/s.exec(e);
          return { file: FILE, line: Number(m?.[1] ?? 1), message: `Machine inconnue : ${m?.[2] ?? e}` };
        }),
      };
    }
    const machines = await replayWithMachines(lab, scriptEvents(parsed.steps), observer);
    return { valid: true, ctx: { lab, machines } };
  }
  const parsed = eventsSubmission.safeParse(submission);
  if (!parsed.success) {
    return {
      valid: false,
      reason: "",
      diagnostics: [
        { file: "events.json", line: 1, message: "Journal de lab illisible : { scenario, seed, events } attendu." },
      ],
    };
  }
  if (!accepted.includes(parsed.data.scenario)) {
    return {
      valid: false,
      reason: "",
      diagnostics: [
        {
          file: "events.json",
          line: 1,
          message: `Ce journal part du scénario « ${parsed.data.scenario} » ; l’exercice part de « ${startScenario} ».`,
        },
      ],
    };
  }
  // the engine's replay, as for a live lab: a recorded Ctrl-C stops its command at the same point
  const events: ReplayEvent[] = parsed.data.events.map((e) =>
    e.kind === "wait"
      ? { kind: "wait", durationUs: e.durationUs }
      : {
          kind: "exec",
          target: e.target,
          input: e.input,
          ...(typeof e.interruptedAtUs === "number" ? { interruptedAtUs: e.interruptedAtUs } : {}),
          ...(typeof e.interruptedAtWork === "number" ? { interruptedAtWork: e.interruptedAtWork } : {}),
        },
  );
  const { scenario, seed, checkpoint } = parsed.data;
  // an observer that sees every step starts from a checkpoint only with what it had recorded there
  const needsEveryStep = observer !== undefined && observer.everyStep !== false;
  const resumable = !needsEveryStep || (observer?.load !== undefined && checkpoint?.observed !== undefined);
  let restored = checkpoint && resumable ? await fromCheckpoint(checkpoint, events, { scenario, seed }) : null;
  if (restored && needsEveryStep) {
    try {
      observer?.load?.(checkpoint?.observed);
    } catch {
      restored = null; // not this exercise's, or another version of its observer: the whole log
    }
  }
  if (restored) observer?.skipped?.(restored.machines.length);
  const lab = restored?.lab ?? (await createLab({ scenario, seed }));
  const tail = await replayWithMachines(lab, events.slice(restored?.skipped ?? 0), observer, restored !== null);
  return { valid: true, ctx: { lab, machines: [...(restored?.machines ?? []), ...tail] } };
}

/** The lab restored from a checkpoint of the log's first events, or null when it does not fit. */
async function fromCheckpoint(
  checkpoint: { bytes: Uint8Array; machines: string[] },
  events: readonly ReplayEvent[],
  start: { scenario: string; seed: number },
): Promise<{ lab: Lab; skipped: number; machines: string[] } | null> {
  try {
    const { lab, skipped } = await restoreFor(checkpoint.bytes, events, start);
    const execs = events.slice(0, skipped).filter((e) => e.kind === "exec");
    if (execs.length !== checkpoint.machines.length) return null;
    const machines = execs.map((e, i) => commandMachine(lab, checkpoint.machines[i] as string, e.input));
    return { lab, skipped, machines };
  } catch {
    return null; // another engine build, damaged bytes, another log: the whole log is replayed
  }
}

/** /etc/drbd.conf and /etc/drbd.d/* of a node, as drbdadm reads them. */
async function readDrbdFiles(lab: Lab, node: string): Promise<Record<string, string> | null> {
  const fs = lab.world.node(node)?.fs;
  if (!fs) return null;
  const files: Record<string, string> = {};
  if (await fs.exists("/etc/drbd.conf")) files["/etc/drbd.conf"] = await fs.readFile("/etc/drbd.conf");
  if (await fs.exists("/etc/drbd.d")) {
    for (const name of await fs.readdir("/etc/drbd.d")) {
      const p = `/etc/drbd.d/${name}`;
      if ((await fs.stat(p)).isFile) files[p] = await fs.readFile(p);
    }
  }
  return files;
}

export async function prepareLab(start: LabStart, submission: unknown): Promise<Prepared<LabCtx>>;
export async function prepareLab<O>(
  start: LabStart,
  submission: unknown,
  observer: LabObserver<O>,
): Promise<Prepared<ObservedLabCtx<O>>>;
export async function prepareLab<O>(
  start: LabStart,
  submission: unknown,
  observer?: LabObserver<O>,
): Promise<Prepared<LabCtx | ObservedLabCtx<O>>> {
  const run = await runSubmission(start, submission, observer);
  if (!run.valid) return invalid(run.diagnostics);
  const ctx = labContext(run.ctx.lab, run.ctx.machines);
  return { valid: true, ctx: observer ? Object.assign(ctx, { observed: observer.result() }) : ctx };
}

/**
 * The checks' view of a lab as it is now: after a grading's replay, or a live lab between two
 * commands (lib/labs: the checks that already hold). `machines`: where each command ran, in
 * order (see commandMachine). Reads only; no virtual time passes.
 */
export function labContext(lab: Lab, machines: readonly string[], opts: { lazy?: boolean } = {}): LabCtx {
  const commandsNow = () =>
    lab.execEvents().map((e, i) => ({
      target: e.target,
      machine: machines[i] ?? (e.target.split("#")[0] as string),
      input: e.input,
      exitCode: e.exitCode,
      atUs: e.atUs,
    }));
  // a live lab's checks between two commands (nothing runs meanwhile): the state and the
  // commands are computed when a check first reads them, once
  let state: LabStateView | undefined = opts.lazy ? undefined : lab.state();
  let commands: LabCtx["commands"] | undefined = opts.lazy ? undefined : commandsNow();
  const stateNow = () => {
    state ??= lab.state();
    return state;
  };
  const configs = new Map<string, Promise<ReturnType<typeof parseConfig> | null>>();
  const parsedConfig = (node: string) => {
    let p = configs.get(node);
    if (!p) {
      p = readDrbdFiles(lab, node).then((files) => (files ? parseConfig(files) : null));
      configs.set(node, p);
    }
    return p;
  };
  return {
    lab,
    get state() {
      return stateNow();
    },
    get commands() {
      commands ??= commandsNow();
      return commands;
    },
    async file(node, path) {
      const fs = lab.world.machine(node).fs;
      if (!(await fs.exists(path))) return null;
      const st = await fs.stat(path);
      if (!st.isFile) return null;
      return { size: st.size, text: () => fs.readFile(path) };
    },
    dmesg: (node) => [...(lab.world.node(node)?.dmesg.entries() ?? [])],
    history: () => lab.history?.events() ?? [],
    drbd: (node, resource = "r0") => stateNow().subsystems.drbd?.[node]?.[resource] ?? null,
    async config(node, resource = "r0") {
      const parsed = await parsedConfig(node);
      if (!parsed || parsed.diagnostics.some((d) => d.severity === "error")) return null;
      return resolveResource(parsed.config, resource, node);
    },
    async configError(node) {
      const parsed = await parsedConfig(node);
      if (!parsed) return `${node} n’existe pas.`;
      const d = parsed.diagnostics.find((x) => x.severity === "error");
      return d ? `${d.file}:${d.line}: ${d.messageFr}` : null;
    },
  };
}
