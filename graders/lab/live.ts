import type { ReplayStep as EngineReplayStep, Lab, LabState, SplitBrainEvent } from "../../engine/index";
import type { AnyExercise, CheckOutcome } from "../types";
import { commandMachine, type LabObserver, labContext } from "./context";

/**
 * A lab exercise's checks evaluated on a live lab, between two commands (the instructor's
 * live view: « TP3 : 4/7 »). Fed every step as the live lab runs it (and every replayed step
 * when it is rebuilt), so an exercise that observes the lab during the replay sees the same
 * moments a grading would. Reads only: no check runs a command or lets time pass.
 */
export interface LiveSummary {
  exercise: string;
  /** Ids of the checks that hold now, in the exercise's order. */
  held: string[];
  total: number;
  /** What is wrong with the cluster right now, in French (a split brain, a stopped node). */
  alerts: string[];
}

export interface LiveChecks {
  /** False when the exercise observes the lab as it runs: it must be fed every step from the start. */
  readonly restorable: boolean;
  step(lab: Lab, step: EngineReplayStep | null): Promise<void>;
  /**
   * A lab restored from a checkpoint (lib/labs/live.ts): the commands it had run, each with the
   * machine its terminal was on, stand for the steps the checks did not see.
   */
  restore(lab: Lab, commands: readonly { machine: string; input: string }[]): void;
  evaluate(lab: Lab): Promise<LiveSummary>;
}

interface LiveSpec {
  // biome-ignore lint/suspicious/noExplicitAny: the checks of any lab exercise (context with its observer's result).
  checks: readonly { id: string; test(ctx: any): boolean | CheckOutcome | Promise<boolean | CheckOutcome> }[];
  observe?: () => LabObserver<unknown>;
}

export function liveChecks(exercise: string, spec: LiveSpec): LiveChecks {
  const machines: string[] = [];
  const observer = spec.observe?.();
  return {
    restorable: observer === undefined,
    restore(lab, commands) {
      if (observer) throw new Error(`${exercise}: live checks with an observer cannot start from a checkpoint`);
      for (const c of commands) machines.push(commandMachine(lab, c.machine, c.input));
    },
    async step(lab, step) {
      if (!step) return observer?.step(lab, null);
      const on = step.before?.machine ?? (step.target.split("#")[0] as string);
      const machine = step.kind === "wait" ? "lab" : commandMachine(lab, on, step.input);
      if (step.kind === "exec") machines.push(machine);
      await observer?.step(lab, { ...step, machine });
    },
    async evaluate(lab) {
      // the state is read once, when a check or the alerts first need it
      const ctx = Object.assign(labContext(lab, machines, { lazy: true }), { observed: observer?.result() });
      const held: string[] = [];
      for (const c of spec.checks) {
        try {
          const r = await c.test(ctx);
          if (r === true || (typeof r === "object" && r.passed)) held.push(c.id);
        } catch {
          // a check that cannot look at this moment does not hold
        }
      }
      return { exercise, held, total: spec.checks.length, alerts: alerts(lab, ctx.state) };
    },
  };
}

/** The live checks of an exercise, when it is a lab exercise that has them. */
export function liveChecksOf(def: AnyExercise | undefined): LiveChecks | null {
  return def?.live ? def.live() : null;
}

/**
 * What an instructor should know at a glance, from the typed state: an unresolved split brain
 * whose connection is still StandAlone, a node that is stopped.
 */
export function alerts(lab: Lab, state: LabState = lab.state()): string[] {
  const out: string[] = [];
  const drbd = state.subsystems.drbd ?? {};
  const unresolved = new Map<string, SplitBrainEvent>();
  for (const e of lab.history?.events() ?? []) {
    const key = `${e.node}/${e.resource}`;
    if (e.kind === "split-brain") {
      if (e.resolution === "unresolved") unresolved.set(key, e);
      else unresolved.delete(key);
    } else if (e.kind === "change" && e.object === "connection") {
      if (e.changes.some((c) => c.field === "connection" && c.to === "Connected")) unresolved.delete(key);
    } else if (e.kind === "destroy") unresolved.delete(key);
  }
  const byResource = new Map<string, string[]>();
  for (const e of unresolved.values()) {
    const c = drbd[e.node]?.[e.resource]?.connections.find((x) => x.peer === e.peer);
    if (c?.cstate !== "StandAlone") continue;
    byResource.set(e.resource, [...(byResource.get(e.resource) ?? []), e.node]);
  }
  for (const [res, nodes] of byResource)
    out.push(`Split-brain non résolu sur ${res} : ${nodes.sort().join(" et ")} en StandAlone`);
  for (const [name, n] of Object.entries(state.nodes))
    if (n.exists && n.state !== "running") out.push(`${name} est arrêté`);
  return out;
}
