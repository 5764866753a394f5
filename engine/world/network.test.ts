import { describe, expect, it } from "vitest";
import { LabNetwork } from "./network";
import { TOPOLOGIES } from "./topology";

function net(topology = "two-nodes", down: string[] = []) {
  const t = TOPOLOGIES[topology];
  if (!t) throw new Error("no topology");
  return new LabNetwork(t, (n) => !down.includes(n));
}

describe("network reachability", () => {
  it("connects running nodes and not stopped ones", () => {
    expect(net().canReach("node1", "node2", 7788)).toBe(true);
    expect(net("two-nodes", ["node2"]).canReach("node1", "node2", 7788)).toBe(false);
    expect(net().canReach("node1", "172.28.0.12")).toBe(true);
  });

  it("an INPUT DROP on one side cuts the connection in both directions", () => {
    const n = net();
    n.addRule("node2", "INPUT", { source: "172.28.0.11", target: "DROP" });
    expect(n.canReach("node1", "node2", 7788)).toBe(false);
    expect(n.canReach("node2", "node1", 7788)).toBe(false);
    n.flush("node2");
    expect(n.canReach("node1", "node2", 7788)).toBe(true);
  });

  it("port and protocol matches only block what they name", () => {
    const n = net();
    n.addRule("node2", "INPUT", { protocol: "tcp", dport: 7789, target: "DROP" });
    expect(n.canReach("node1", "node2", 7788)).toBe(true);
    n.addRule("node2", "INPUT", { protocol: "tcp", dport: 7788, target: "REJECT" }, 1);
    expect(n.canReach("node1", "node2", 7788)).toBe(false);
    // ICMP is not TCP
    expect(n.canReach("node1", "node2")).toBe(true);
    expect(n.probe("node1", "node2", "tcp", 7788)).toEqual({
      ok: false,
      reason: "filtered",
      verdict: "REJECT",
      at: "node2",
    });
  });

  it("CIDR sources match the whole subnet, an ACCEPT before a DROP wins", () => {
    const n = net();
    n.addRule("node1", "INPUT", { source: "172.28.0.0/16", target: "DROP" });
    expect(n.canReach("node2", "node1", 7788)).toBe(false);
    n.addRule("node1", "INPUT", { source: "172.28.0.12", target: "ACCEPT" }, 1);
    expect(n.canReach("node2", "node1", 7788)).toBe(true);
    expect(n.deleteRule("node1", "INPUT", { source: "172.28.0.12", target: "ACCEPT" })).toBe(true);
    expect(n.deleteRule("node1", "INPUT", { source: "172.28.0.12", target: "ACCEPT" })).toBe(false);
    expect(n.canReach("node2", "node1", 7788)).toBe(false);
  });

  it("netem adds delay to the sender's egress, 100% loss cuts, rate bounds bandwidth", () => {
    const n = net();
    const base = n.path("node1", "node2").latencyUs;
    n.setNetem("node1", { delayUs: 50_000, jitterUs: 0, loss: 0, rateBps: 1_000_000 });
    expect(n.path("node1", "node2").latencyUs).toBe(base + 50_000);
    expect(n.path("node2", "node1").latencyUs).toBe(base);
    expect(n.path("node1", "node2").bandwidthBps).toBe(1_000_000);
    n.setNetem("node1", { delayUs: 0, jitterUs: 0, loss: 1 });
    expect(n.canReach("node1", "node2", 7788)).toBe(false);
    n.setNetem("node1", undefined);
    expect(n.canReach("node1", "node2", 7788)).toBe(true);
  });

  it("partitions split groups until healed; a downed interface isolates a node", () => {
    const n = net("three-nodes");
    n.partition(["node1"], ["node2", "node3"]);
    expect(n.canReach("node1", "node2", 7788)).toBe(false);
    expect(n.canReach("node2", "node3", 7788)).toBe(true);
    n.heal();
    expect(n.canReach("node1", "node3", 7788)).toBe(true);
    n.setInterfaceUp("node3", false);
    expect(n.canReach("node1", "node3", 7788)).toBe(false);
    expect(n.canReach("node1", "node2", 7788)).toBe(true);
  });

  it("two sites are linked by a slower WAN", () => {
    const n = net("two-sites");
    expect(n.path("node1", "node2").latencyUs).toBeLessThan(1000);
    expect(n.path("node1", "node3").latencyUs).toBe(10_000);
    expect(n.path("node1", "node3").bandwidthBps).toBeLessThan(n.path("node1", "node2").bandwidthBps);
  });

  it("tells listeners about every change", () => {
    const n = net();
    let calls = 0;
    n.onChange(() => calls++);
    n.addRule("node1", "OUTPUT", { destination: "172.28.0.12", target: "DROP" });
    n.setNetem("node1", { delayUs: 1, jitterUs: 0, loss: 0 });
    n.setLink("node1", "node2", { up: false });
    n.heal();
    n.flush("node1");
    expect(calls).toBe(5);
  });
});
