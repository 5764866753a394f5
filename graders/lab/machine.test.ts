import { beforeAll, describe, expect, it } from "vitest";
import { createLab } from "../../engine/index";
import { getExercise } from "../exercises/index";
import { grade } from "../run";
import type { AnyExercise } from "../types";
import { commandMachine } from "./context";
import { ensureGraderScenarios } from "./scenarios";

beforeAll(() => {
  ensureGraderScenarios();
});

/**
 * A reference solution typed as the workshop says it: everything in the host tab, entering a
 * node with `docker exec -it drbd-nodeN bash` and leaving it with `exit` (issue 11 item 1).
 */
function viaHostTab(script: string): string {
  let inside: string | null = null;
  const out: string[] = [];
  for (const line of script.split("\n")) {
    const m = /^(\w+)\$ (.*)$/s.exec(line);
    if (!m) {
      out.push(line); // comment, wait, directive, here-document body
      continue;
    }
    const [, target, command] = m as unknown as [string, string, string];
    const want = target === "host" ? null : target;
    if (inside !== want) {
      if (inside !== null) out.push("host$ exit");
      if (want !== null) out.push(`host$ docker exec -it drbd-${want} bash`);
      inside = want;
    }
    out.push(`host$ ${command}`);
  }
  return out.join("\n");
}

async function gradeScript(id: string, script: string) {
  const def = getExercise(id) as AnyExercise;
  return grade(def, script);
}

describe("graders credit the machine a command ran on, whichever terminal carried it", () => {
  it("reads the machine of docker exec CONTAINER CMD typed on the host, not of an interactive shell", async () => {
    const lab = await createLab({ scenario: "running" });
    expect(commandMachine(lab, "host", "docker exec drbd-node1 /scripts/change-protocol.sh A")).toBe("node1");
    expect(commandMachine(lab, "host", "docker exec -u postgres -w /tmp drbd-node2 psql -c 'select 1'")).toBe("node2");
    expect(commandMachine(lab, "host", "docker exec -it drbd-node1 bash")).toBe("host");
    expect(commandMachine(lab, "host", "docker exec -it drbd-node9 ls")).toBe("host");
    expect(commandMachine(lab, "host", "docker ps")).toBe("host");
    // typed in a node, `docker` is not the host's
    expect(commandMachine(lab, "node1", "docker exec drbd-node2 ls")).toBe("node1");
  });

  const LABS = ["tp1", "tp2", "tp3", "tp4", "tp5", "ex5.1", "ex9.3"];

  it.each(LABS)(
    "gives full marks to %s's solution typed in the host tab after docker exec",
    async (id) => {
      const def = getExercise(id) as AnyExercise;
      const script = viaHostTab(def.solution as string);
      expect(script).not.toMatch(/^node\d\$/m);
      const r = await gradeScript(id, script);
      expect(r.valid, r.invalidReason).toBe(true);
      expect(r.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`)).toEqual([]);
      expect(r.score).toBe(def.points);
    },
    120_000,
  );

  it.each(LABS)(
    "does not give %s full marks when the node commands are typed on the host without entering the node",
    async (id) => {
      const def = getExercise(id) as AnyExercise;
      // the same commands, in the host tab, but without docker exec: they run on the Docker host
      const script = (def.solution as string).replace(/^node\d\$ /gm, "host$ ");
      const r = await gradeScript(id, script);
      expect(r.score).toBeLessThan(def.points);
    },
    120_000,
  );

  it("gives full marks to TP2 typed as one-shot docker exec commands on the host", async () => {
    const def = getExercise("tp2") as AnyExercise;
    const script = (def.solution as string).replace(/^(node\d)\$ /gm, "host$ docker exec drbd-$1 ");
    const r = await gradeScript("tp2", script);
    expect(r.checks.filter((c) => !c.passed).map((c) => c.id)).toEqual([]);
    expect(r.score).toBe(def.points);
  }, 60_000);

  it("does not credit node1's benchmarks when they ran on node2 from the host tab", async () => {
    const def = getExercise("tp2") as AnyExercise;
    // the benchmarks go to node2: the protocol checks must fail, whatever the terminal
    const script = viaHostTab(
      (def.solution as string).replaceAll("node1$ /scripts/benchmark.sh", "node2$ /scripts/benchmark.sh"),
    );
    const r = await gradeScript("tp2", script);
    const failed = r.checks.filter((c) => !c.passed).map((c) => c.id);
    expect(failed).toEqual(expect.arrayContaining(["tp2.protocol-a", "tp2.protocol-b", "tp2.protocol-c"]));
  }, 60_000);

  it("does not credit a promotion typed in the host shell itself (it fails there)", async () => {
    const def = getExercise("tp3") as AnyExercise;
    // node2's commands typed on the host without entering node2
    const script = (def.solution as string).replace(/^node2\$ /gm, "host$ ");
    const r = await gradeScript("tp3", script);
    expect(r.checks.find((c) => c.id === "tp3.planned")?.passed).toBe(false);
  }, 60_000);
});
