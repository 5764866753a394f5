import { listScenarios, registerScenario } from "../../engine/index";
import { TP1_SOLUTION, TP1_SYNC } from "./solutions";

/**
 * Starting scenarios of the later TPs, each built by replaying a reference solution (the
 * architecture's `start: "tp1.done"`). Registered once, unless the engine already has them.
 */
const SCENARIOS = [
  {
    id: "tp1.synced",
    base: "running",
    topology: "two-nodes",
    script: TP1_SYNC,
    description: "TP1 jusqu’à l’étape 4 : node1 Primary, node2 Secondary, synchronisés, sans système de fichiers.",
  },
  {
    id: "tp1.done",
    topology: "two-nodes",
    script: TP1_SOLUTION,
    description:
      "TP1 terminé : node1 Primary, node2 Secondary, synchronisés ; ext4 monté sur node1 dans /mnt/drbd avec test.txt et data.bin.",
  },
];

export function ensureGraderScenarios(): void {
  const known = new Set(listScenarios().map((s) => s.id));
  for (const s of SCENARIOS) if (!known.has(s.id)) registerScenario(s);
}
