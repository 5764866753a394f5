import { CHAPTER9_SCENARIOS } from "./ex9";

/**
 * Named starting points for labs. A scenario is a topology plus, optionally, a base scenario
 * and a lab script replayed on top of it (`tp1.done` = `running` + the TP1 solution).
 */
export interface Scenario {
  id: string;
  topology: string;
  base?: string;
  /** Lab-script text (see lab-script.ts) replayed on top of the base. */
  script?: string;
  description: string;
}

const scenarios = new Map<string, Scenario>();

export function registerScenario(s: Scenario): void {
  ensureBuiltins();
  if (scenarios.has(s.id)) throw new Error(`scenario already registered: ${s.id}`);
  if (s.base !== undefined && !scenarios.has(s.base)) throw new Error(`scenario ${s.id}: unknown base ${s.base}`);
  scenarios.set(s.id, s);
}

export function getScenario(id: string): Scenario {
  ensureBuiltins();
  const s = scenarios.get(id);
  if (!s) throw new Error(`unknown scenario: ${id} (known: ${[...scenarios.keys()].join(", ")})`);
  return s;
}

export function listScenarios(): Scenario[] {
  ensureBuiltins();
  return [...scenarios.values()];
}

let builtinsLoaded = false;
/** Built-ins are registered lazily so that modules can import the registry in any order. */
function ensureBuiltins(): void {
  if (builtinsLoaded) return;
  builtinsLoaded = true;
  for (const s of [...BUILTIN, ...CHAPTER9_SCENARIOS]) if (!scenarios.has(s.id)) scenarios.set(s.id, s);
}

const UP = "host$ cd ~/drbd-workshop && docker-compose up -d\n";

const BUILTIN: Scenario[] = [
  {
    id: "fresh",
    topology: "two-nodes",
    description: "Docker host with the workshop checked out; containers not created yet (TP1 step 1 starts them).",
  },
  {
    id: "running",
    topology: "two-nodes",
    script: UP,
    description: "Both nodes up, DRBD configured (/etc/drbd.d/r0.res) but not initialised.",
  },
  {
    id: "three-nodes-running",
    topology: "three-nodes",
    script: UP,
    description: "Three nodes up, DRBD configured for three nodes, not initialised.",
  },
  {
    id: "two-sites-running",
    topology: "two-sites",
    script: UP,
    description: "Four nodes on two sites (paris: node1, node2; lyon: node3, node4) linked by a WAN, not initialised.",
  },
];
