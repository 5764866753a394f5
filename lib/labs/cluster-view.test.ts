import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createLab, type Lab, parseLabScript, runLabScriptSteps } from "@/engine/index";
import { type ClusterView, clusterView } from "./cluster-view";

/** The chapter-9 solution script up to (and including) its first line starting with `until`. */
function solutionUntil(id: string, until: string): string {
  const text = readFileSync(path.join(process.cwd(), "content", "solutions", `${id}.lab`), "utf8");
  const lines = text.split("\n");
  const end = lines.findIndex((l) => l.startsWith(until));
  if (end < 0) throw new Error(`${id}.lab has no line starting with ${until}`);
  return `${lines.slice(0, end + 1).join("\n")}\n`;
}

async function run(lab: Lab, script: string): Promise<void> {
  const parsed = parseLabScript(script);
  expect(parsed.errors).toEqual([]);
  await runLabScriptSteps(lab, parsed.steps);
}

const node = (v: ClusterView, name: string) => v.nodes.find((n) => n.name === name);
const conn = (v: ClusterView, res: string, a: string, b: string) =>
  v.connections.find((c) => c.resource === res && c.a === a && c.b === b);
const link = (v: ClusterView, a: string, b: string) => v.links.find((l) => l.a === a && l.b === b);

describe("cluster view: every node, resource and connection", () => {
  it("ex9.1: two resources r0 (protocol C) and r1 (protocol A) on two nodes, both shown", async () => {
    const lab = await createLab({ scenario: "ex9.1" });
    await run(lab, solutionUntil("ex9.1", "node1$ drbdadm primary --force r1"));
    const v = clusterView(lab);
    expect(v.resources).toEqual(["r0", "r1"]);
    expect(node(v, "node1")?.resources.map((r) => `${r.name} ${r.role}`)).toEqual(["r0 Primary", "r1 Primary"]);
    expect(node(v, "node2")?.resources.map((r) => `${r.name} ${r.role}`)).toEqual(["r0 Secondary", "r1 Secondary"]);
    expect(v.connections.map((c) => `${c.resource} ${c.a}-${c.b} ${c.protocol}`)).toEqual([
      "r0 node1-node2 C",
      "r1 node1-node2 A",
    ]);
    // the initial sync of both resources runs: node1 is SyncSource towards node2 on each
    for (const res of ["r0", "r1"]) {
      const c = conn(v, res, "node1", "node2");
      expect(c?.fromA?.replication).toBe("SyncSource");
      expect(c?.fromB?.replication).toBe("SyncTarget");
      expect(c?.fromB?.done).toBeGreaterThanOrEqual(0);
      expect(c?.fromB?.done).toBeLessThan(100);
    }
    expect(v.pacemaker).toBeNull();
    expect(v.sites).toEqual([]);
  });

  it("three-nodes-running / ex9.2: three nodes, a mesh of three connections, quorum majority lost when isolated", async () => {
    const bare = clusterView(await createLab({ scenario: "three-nodes-running" }));
    expect(bare.nodes.map((n) => `${n.name} ${n.status}`)).toEqual(["node1 running", "node2 running", "node3 running"]);
    expect(bare.links.map((l) => `${l.a}-${l.b} ${l.state}`)).toEqual([
      "node1-node2 up",
      "node1-node3 up",
      "node2-node3 up",
    ]);
    expect(bare.connections).toEqual([]);

    const lab = await createLab({ scenario: "ex9.2" });
    await run(lab, solutionUntil("ex9.2", `node1$ echo "ecrit par node1"`));
    let v = clusterView(lab);
    expect(v.connections.map((c) => `${c.a}-${c.b} ${c.fromA?.cstate}/${c.fromB?.cstate}`)).toEqual([
      "node1-node2 Connected/Connected",
      "node1-node3 Connected/Connected",
      "node2-node3 Connected/Connected",
    ]);
    expect(node(v, "node3")?.resources[0]?.peers.map((p) => `${p.peer} ${p.peerRole}`)).toEqual([
      "node1 Primary",
      "node2 Secondary",
    ]);
    expect(node(v, "node1")?.resources[0]?.quorum).toEqual({ policy: "majority", has: true });
    expect(node(v, "node1")?.mounts).toEqual([{ device: "/dev/drbd0", mountpoint: "/mnt/drbd" }]);

    await run(lab, solutionUntil("ex9.2", "node1$ sleep 12").split("node2$ drbdadm primary r0\n")[1] as string);
    v = clusterView(lab);
    expect(link(v, "node1", "node2")?.state).toBe("partitioned");
    expect(link(v, "node1", "node3")?.state).toBe("partitioned");
    expect(link(v, "node2", "node3")?.state).toBe("up");
    expect(node(v, "node1")?.resources[0]?.quorum).toEqual({ policy: "majority", has: false });
    expect(node(v, "node2")?.resources[0]?.quorum).toEqual({ policy: "majority", has: true });
    expect(conn(v, "r0", "node2", "node3")?.fromA?.cstate).toBe("Connected");
    expect(conn(v, "r0", "node1", "node3")?.fromB?.cstate).not.toBe("Connected");
  });

  it("ex9.3: Pacemaker's nodes and where it runs the promotable clone", async () => {
    const lab = await createLab({ scenario: "ex9.3" });
    expect(clusterView(lab).pacemaker).toBeNull();
    await run(lab, solutionUntil("ex9.3", "node1$ sleep 5"));
    const v = clusterView(lab);
    expect(v.pacemaker?.clusterName).toBe("drbd_cluster");
    expect(v.pacemaker?.nodes.map((n) => `${n.name} ${n.online}`)).toEqual(["node1 true", "node2 true"]);
    const drbd = v.pacemaker?.resources.find((r) => r.id === "drbd_r0");
    expect(drbd?.clone).toBe("drbd_r0-clone");
    expect(drbd?.promoted).toHaveLength(1);
    const promoted = drbd?.promoted[0] as string;
    expect(v.pacemaker?.resources.find((r) => r.id === "vip")?.running).toEqual([promoted]);
    expect(node(v, promoted)?.resources[0]?.role).toBe("Primary");
  });

  it("two-sites-running / ex9.4: four nodes on two sites, protocol C inside a site and A over the WAN", async () => {
    const bare = clusterView(await createLab({ scenario: "two-sites-running" }));
    expect(bare.sites).toEqual(["paris", "lyon"]);
    expect(bare.nodes.map((n) => `${n.name}@${n.site}`)).toEqual([
      "node1@paris",
      "node2@paris",
      "node3@lyon",
      "node4@lyon",
    ]);
    expect(bare.links).toHaveLength(6);
    expect(link(bare, "node1", "node2")).toMatchObject({ wan: false, state: "up" });
    expect(link(bare, "node1", "node2")?.latencyMs).toBeLessThan(1);
    expect(link(bare, "node1", "node3")).toMatchObject({ wan: true, state: "up", latencyMs: 10 });

    const lab = await createLab({ scenario: "ex9.4" });
    await run(lab, solutionUntil("ex9.4", "node1$ sleep 30"));
    let v = clusterView(lab);
    expect(v.connections.map((c) => `${c.a}-${c.b} ${c.protocol}`)).toEqual([
      "node1-node2 C",
      "node1-node3 A",
      "node1-node4 A",
      "node2-node3 A",
      "node2-node4 A",
      "node3-node4 C",
    ]);
    expect(node(v, "node4")?.resources[0]?.peers).toHaveLength(3);

    await run(lab, "host$ docker stop drbd-node1 drbd-node2 --time=0\nwait 12s\n");
    v = clusterView(lab);
    expect(v.nodes.map((n) => `${n.name} ${n.status}`)).toEqual([
      "node1 stopped",
      "node2 stopped",
      "node3 running",
      "node4 running",
    ]);
    expect(link(v, "node1", "node3")?.state).toBe("down");
    expect(link(v, "node3", "node4")?.state).toBe("up");
    // the stopped nodes' ends are gone; Lyon still sees its peers
    expect(conn(v, "r0", "node1", "node3")?.fromA).toBeNull();
    expect(conn(v, "r0", "node1", "node3")?.fromB?.cstate).not.toBe("Connected");
    expect(conn(v, "r0", "node3", "node4")?.fromA?.cstate).toBe("Connected");
  });

  it("netem on one node shows as a slowed link with its latency", async () => {
    const lab = await createLab({ scenario: "running" });
    await run(lab, "node1$ tc qdisc add dev eth0 root netem delay 50ms\n");
    const v = clusterView(lab);
    expect(link(v, "node1", "node2")).toMatchObject({ state: "latency", wan: false });
    expect(link(v, "node1", "node2")?.latencyMs).toBeGreaterThanOrEqual(50);
  });
});
