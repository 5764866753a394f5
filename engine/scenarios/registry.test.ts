import { describe, expect, it } from "vitest";
import { createLab } from "../lab";
import { getScenario, listScenarios, registerScenario } from "./registry";

describe("scenario registry", () => {
  it("has the built-in scenarios", () => {
    expect(listScenarios().map((s) => s.id)).toEqual(
      expect.arrayContaining(["fresh", "running", "three-nodes-running", "two-sites-running"]),
    );
    expect(() => getScenario("nope")).toThrow(/unknown scenario: nope/);
  });

  it("builds a registered scenario on top of its base, with fresh terminals and no events", async () => {
    registerScenario({
      id: "test.marked",
      base: "running",
      topology: "two-nodes",
      description: "a file on node1",
      script: "node1$ cd /tmp && echo mark > /root/mark\n",
    });
    expect(() => registerScenario({ id: "test.marked", topology: "two-nodes", description: "dup" })).toThrow(
      /already registered/,
    );
    expect(() =>
      registerScenario({ id: "test.orphan", base: "missing", topology: "two-nodes", description: "x" }),
    ).toThrow(/unknown base/);
    const lab = await createLab({ scenario: "test.marked" });
    expect(lab.events()).toEqual([]);
    const r = await lab.exec("node1", "cat /root/mark; pwd");
    expect(r.stdout).toBe("mark\n/root\n");
    expect(lab.world.node("node2")?.state).toBe("running");
  });

  it("multi-node scenarios start every node", async () => {
    const lab = await createLab({ scenario: "two-sites-running" });
    expect([...lab.world.nodes.values()].map((n) => `${n.name}:${n.site}:${n.state}`)).toEqual([
      "node1:paris:running",
      "node2:paris:running",
      "node3:lyon:running",
      "node4:lyon:running",
    ]);
  });
});
