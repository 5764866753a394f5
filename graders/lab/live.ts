import type { ReplayStep as EngineReplayStep, Lab, LabState, SplitBrainEvent } from "../../engine/index";
import type { AnyExercise, CheckOutcome } from "../types";
import { commandMachine, type LabObserver, labContext } from "./context";
import { observedOf, stampObserved } from "./stamp";

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
  /**
   * False when the exercise observes the lab as it runs and its observer cannot be saved: it
   * must be fed every step from the start.
   */
  readonly restorable: boolean;
  step(lab: Lab, step: EngineReplayStep | null): Promise<void>;
  /**
   * A lab restored from a checkpoint (lib/labs/live.ts): the commands it had run, each with the
   * machine its terminal was on, stand for the steps the checks did not see; `observed`, what
   * the exercise's observer had recorded there (`observed()` when the checkpoint was taken).
   * Throws when the observer cannot go on from it (the caller replays the whole log).
   */
  restore(lab: Lab, commands: readonly { machine: string; input: string }[], observed?: unknown): void;
  /** What the exercise's observer recorded so far, stamped (undefined: no observer, or one that cannot be saved). */
  observed(): unknown;
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
  // the observer's first look is before the first step; later catch-ups (and a restored lab) go on
  let started = false;
  return {
    restorable: observer === undefined || (observer.save !== undefined && observer.load !== undefined),
    restore(lab, commands, observed) {
      if (observer) {
        if (!observer.load || observed === undefined)
          throw new Error(`${exercise}: live checks with an observer need its state to start from a checkpoint`);
        observer.load(observedOf(exercise, observed));
      }
      started = true;
      for (const c of commands) machines.push(commandMachine(lab, c.machine, c.input));
    },
    observed: () => (observer?.save ? stampObserved(exercise, observer.save()) : undefined),
    async step(lab, step) {
      if (!step) {
        if (started) return;
        started = true;
        return observer?.step(lab, null);
      }
      started = true;
      const on = step.before?.machine ?? (step.target.split("#")[0] as string);
      const machine = step.kind === "wait" ? "lab" : commandMachine(lab, on, step.input);
      if (step.kind === "exec") machines.push(machine);
      // the step's place in the whole log (a catch-up or a restored lab replays only a tail)
      await observer?.step(lab, { ...step, index: lab.events().length - 1, machine });
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
