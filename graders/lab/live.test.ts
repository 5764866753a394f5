import { describe, expect, it } from "vitest";
import { createLab } from "../../engine/index";
import { labContext } from "./context";
import { liveChecks } from "./live";

// The live checks read the lab's state and its commands only when a check asks for them (once
// per evaluation): what changed since the previous evaluation must be seen, never a stale copy.
describe("live checks: state and commands read at each evaluation", () => {
  const spec = {
    checks: [
      {
        id: "ran-hostname",
        test: (ctx: { commands: { input: string }[] }) => ctx.commands.some((c) => c.input === "hostname"),
      },
      {
        id: "node1-stopped",
        test: (ctx: { state: { nodes: Record<string, { state: string }> } }) =>
          ctx.state.nodes.node1?.state === "exited",
      },
      {
        id: "file",
        test: async (ctx: { file: (n: string, p: string) => Promise<unknown> }) =>
          (await ctx.file("node2", "/root/x")) !== null,
      },
    ],
  };

  it("a check that becomes true after a command is seen at the next evaluation", async () => {
    const lab = await createLab({ scenario: "running", seed: 1 });
    const live = liveChecks("demo", spec);
    const step = async (target: string, input: string) => {
      const before = lab.session(target);
      const r = await lab.exec(target, input);
      await live.step(lab, {
        index: lab.eventCount - 1,
        kind: "exec",
        target,
        input,
        exitCode: r.exitCode,
        stdout: r.stdout,
        stderr: r.stderr,
        shown: r.shown,
        before,
        outputDigest: "",
      });
    };
    const first = await live.evaluate(lab);
    expect(first.held).toEqual([]);
    expect(first.alerts).toEqual([]);

    await step("node2", "hostname");
    expect((await live.evaluate(lab)).held).toEqual(["ran-hostname"]);

    await step("node2", "echo x > /root/x");
    expect((await live.evaluate(lab)).held).toEqual(["ran-hostname", "file"]);

    await step("host", "docker stop drbd-node1");
    const after = await live.evaluate(lab);
    expect(after.held).toEqual(["ran-hostname", "node1-stopped", "file"]);
    expect(after.alerts).toEqual(["node1 est arrêté"]);

    await step("host", "docker start drbd-node1");
    const again = await live.evaluate(lab);
    expect(again.held).toEqual(["ran-hostname", "file"]);
    expect(again.alerts).toEqual([]);
  });

  it("a lazy context reads the lab when first asked, then keeps that view", async () => {
    const lab = await createLab({ scenario: "running", seed: 2 });
    const eager = labContext(lab, []);
    const lazy = labContext(lab, [], { lazy: true });
    await lab.exec("node1", "hostname");
    // the eager one (a grading's) was taken before the command; the lazy one reads it now
    expect(eager.commands).toHaveLength(0);
    expect(lazy.commands.map((c) => [c.machine, c.input])).toEqual([["node1", "hostname"]]);
    expect(lazy.state.time.us).toBe(lab.state().time.us);
    expect(lazy.state.time.us).toBeGreaterThan(eager.state.time.us);
    await lab.exec("node1", "pwd");
    expect(lazy.commands).toHaveLength(1);
    expect(labContext(lab, []).commands.map((c) => c.input)).toEqual(["hostname", "pwd"]);
  });
});
