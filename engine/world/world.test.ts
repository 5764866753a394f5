import { describe, expect, it } from "vitest";
import type { LabNode, Subsystem, World } from "./types";
import { createWorld } from "./world";

function recorder() {
  const events: string[] = [];
  const sub: Subsystem = {
    name: "recorder",
    attach: (w: World) => events.push(`attach:${[...w.nodes.keys()].join(",")}`),
    onBoot: (n: LabNode) => events.push(`boot:${n.name}#${n.bootCount}`),
    onCrash: (n: LabNode) => events.push(`crash:${n.name}`),
    onShutdown: (n: LabNode) => events.push(`shutdown:${n.name}`),
    commands: () => [
      {
        name: "hello",
        where: "node",
        run: async (ctx) => ({ stdout: `hi from ${ctx.node?.name}\n`, stderr: "", exitCode: 0 }),
      },
    ],
    procFiles: () => ({ "/proc/recorder": (n) => `node=${n.name}\n` }),
    snapshot: () => ({ events: events.length }),
  };
  return { events, sub };
}

describe("createWorld", () => {
  it("builds the workshop's two nodes with their files, hostnames and addresses", async () => {
    const w = await createWorld({ seed: 1 });
    expect([...w.nodes.keys()]).toEqual(["node1", "node2"]);
    const n1 = w.node("node1");
    expect(n1?.ip).toBe("172.28.0.11");
    expect(n1?.container).toBe("drbd-node1");
    expect(w.resolveNode("drbd-node2")?.name).toBe("node2");
    expect(w.resolveNode("172.28.0.12")?.name).toBe("node2");
    expect(await n1?.fs.readFile("/etc/hostname")).toBe("node1\n");
    expect(await n1?.fs.readFile("/etc/drbd.d/r0.res")).toContain(
      "on node2 {\n        device /dev/drbd0;\n        disk /dev/sda1;\n        address 172.28.0.12:7788;",
    );
    expect(await n1?.fs.readFile("/etc/drbd.conf")).toContain('include "/etc/drbd.d/*.res";');
    expect(await n1?.fs.readFile("/etc/passwd")).toMatch(/^postgres:x:101:103:/m);
    expect(await n1?.fs.exists("/scripts")).toBe(true);
  });

  it("three nodes get node-ids and a connection-mesh; two sites get their site labels", async () => {
    const w3 = await createWorld({ topology: "three-nodes" });
    const res = await w3.node("node3")?.fs.readFile("/etc/drbd.d/r0.res");
    expect(res).toContain("node-id 2;");
    expect(res).toContain("hosts node1 node2 node3;");
    const ws = await createWorld({ topology: "two-sites" });
    expect([...ws.nodes.values()].map((n) => n.site)).toEqual(["paris", "paris", "lyon", "lyon"]);
    await expect(createWorld({ topology: "five-nodes" })).rejects.toThrow(/unknown topology/);
  });

  it("drives subsystem hooks through the container life-cycle, and a stopped node is unreachable", async () => {
    const { events, sub } = recorder();
    const w = await createWorld({ subsystems: [sub] });
    const n1 = w.node("node1");
    const n2 = w.node("node2");
    if (!n1 || !n2) throw new Error("nodes");
    await w.createContainer(n1);
    await w.createContainer(n2);
    w.start(n1);
    w.start(n2);
    expect(w.net.canReach("node1", "node2", 7788)).toBe(true);
    w.crash(n1);
    expect(n1.state).toBe("exited");
    expect(n1.exitCode).toBe(137);
    expect(w.net.canReach("node2", "node1", 7788)).toBe(false);
    w.start(n1);
    w.shutdown(n2);
    expect(n2.exitCode).toBe(0);
    expect(events).toEqual([
      "attach:node1,node2",
      "boot:node1#1",
      "boot:node2#1",
      "crash:node1",
      "boot:node1#2",
      "shutdown:node2",
    ]);
  });

  it("registers subsystem commands and /proc files on nodes only", async () => {
    const { sub } = recorder();
    const w = await createWorld({ subsystems: [sub] });
    const n1 = w.node("node1") ?? null;
    expect((await w.exec(n1, "hello")).stdout).toBe("hi from node1\n");
    expect((await w.exec(n1, "cat /proc/recorder")).stdout).toBe("node=node1\n");
    const onHost = await w.exec(null, "hello");
    expect(onHost.exitCode).toBe(127);
    expect(onHost.stderr).toBe("bash: hello: command not found\n");
  });

  it("runs queued jobs in FIFO order, including jobs queued by jobs", async () => {
    const w = await createWorld({});
    const n1 = w.node("node1");
    if (!n1) throw new Error("node1");
    const order: string[] = [];
    w.enqueue(n1, "a", async () => {
      order.push("a");
      w.enqueue(n1, "c", async () => {
        order.push("c");
      });
    });
    w.enqueue(n1, "b", async () => {
      order.push("b");
    });
    expect(w.pendingJobs()).toEqual(["node1:a", "node1:b"]);
    await w.drain();
    expect(order).toEqual(["a", "b", "c"]);
    expect(w.pendingJobs()).toEqual([]);
  });
});
