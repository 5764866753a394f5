import { createLab, replay, type StateEvent } from "@/engine/index";
import { ensureScenario } from "./catalog";
import { type ClusterView, clusterView } from "./cluster-view";
import { replayEventsOf, type StoredEvent } from "./live";
import type { LabSessionRef } from "./worker/protocol";

/**
 * The replay of a lab for the replay page (instructor on a learner's lab, learner on their
 * own): the stored rows run again in a fresh lab, in the lab worker, and the cluster is kept
 * after every row (a frame), so that moving the slider is a lookup, not a replay. The state
 * history comes from the same replay (engine/drbd/history.ts): the timeline's swimlanes.
 */
export interface ReplayStepInfo {
  seq: number;
  kind: "exec" | "wait";
  /** The terminal it was typed in ("node1", "host#t2"); "lab" for a wait. */
  terminal: string;
  /** Where it ran and the prompt it was typed at (exec). */
  machine: string;
  prompt: string;
  input: string;
  output: string;
  exitCode: number;
  /** Virtual time (µs) when the row started and ended. */
  atUs: number;
  endUs: number;
}

export interface ReplayInfo {
  steps: ReplayStepInfo[];
  /** The state changes the learner's rows caused (cause = the row's seq), oldest first. */
  history: (StateEvent & { seq: number })[];
  /** The DRBD objects' state before the first row (the swimlanes' start). */
  initial: ClusterView;
  startUs: number;
  endUs: number;
}

export interface ReplayFrame {
  /** The row after which this is the cluster; -1 before the first row. */
  seq: number;
  atUs: number;
  cluster: ClusterView;
}

export interface BuiltReplay {
  info: ReplayInfo;
  frames: Map<number, ReplayFrame>;
}

/** The frame shown for row `seq`: after that row (before the first one for -1). */
export function frameAt(r: BuiltReplay, seq: number): ReplayFrame | null {
  if (seq < 0) return r.frames.get(-1) ?? null;
  const steps = r.info.steps;
  // the last row at or before seq (seq values have no gaps, but stay safe)
  let best: ReplayFrame | null = r.frames.get(-1) ?? null;
  for (const s of steps) {
    if (s.seq > seq) break;
    best = r.frames.get(s.seq) ?? best;
  }
  return best;
}

export async function buildReplay(
  session: LabSessionRef,
  events: readonly StoredEvent[],
  /** Awaited between two rows: the worker lets its other labs in. */
  between?: () => Promise<void>,
): Promise<BuiltReplay> {
  ensureScenario(session.scenario);
  const lab = await createLab({ scenario: session.scenario, seed: session.seed });
  const { replayed, rowOf } = replayEventsOf(events);
  const frames = new Map<number, ReplayFrame>();
  const steps: ReplayStepInfo[] = [];
  const startUs = lab.world.clock.now;
  const initial = clusterView(lab);
  frames.set(-1, { seq: -1, atUs: startUs, cluster: initial });
  // engine event index → row seq (a wait row may be several engine events)
  const seqOfEvent: number[] = [];
  let rowStartUs = startUs;
  await replay(
    lab,
    replayed,
    {
      async step(l, step) {
        await between?.();
        if (!step) return;
        const row = rowOf[step.index] as StoredEvent;
        seqOfEvent[step.index] = row.seq;
        const last = rowOf[step.index + 1] !== row;
        if (!last) return;
        const endUs = l.world.clock.now;
        steps.push({
          seq: row.seq,
          kind: step.kind,
          terminal: row.target,
          machine: step.before?.machine ?? "lab",
          prompt: step.before?.prompt ?? "",
          input: row.input,
          output: row.output,
          exitCode: step.exitCode,
          atUs: rowStartUs,
          endUs,
        });
        frames.set(row.seq, { seq: row.seq, atUs: endUs, cluster: clusterView(l) });
        rowStartUs = endUs;
      },
    },
    between ? { yieldNow: between } : {},
  );
  const history = (lab.history?.events() ?? [])
    .filter((e) => e.cause !== null)
    .map((e) => ({ ...e, seq: seqOfEvent[e.cause as number] ?? -1 }));
  return { info: { steps, history, initial, startUs, endUs: lab.world.clock.now }, frames };
}

/** The replays a worker keeps (by session and log length): the latest few, least recently used out. */
export class ReplayCache {
  private readonly map = new Map<string, Promise<BuiltReplay>>();

  constructor(private readonly max = 16) {}

  has(key: string): boolean {
    return this.map.has(key);
  }

  get(key: string, build?: () => Promise<BuiltReplay>): Promise<BuiltReplay> | null {
    let p = this.map.get(key);
    if (p) {
      this.map.delete(key);
      this.map.set(key, p);
      return p;
    }
    if (!build) return null;
    p = build();
    this.map.set(key, p);
    p.catch(() => this.map.delete(key));
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
    return p;
  }
}
