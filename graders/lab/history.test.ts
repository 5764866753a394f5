import { describe, expect, it } from "vitest";
import type { StateEvent } from "../../engine/index";
import { getExercise } from "../index";
import { type LabCtx, prepareLab } from "./context";
import { changeAfter, roleAt, splitBrains } from "./predicates";
import { ensureGraderScenarios } from "./scenarios";

/**
 * The typed state history (engine/drbd/history.ts) against the kernel log the same door
 * writes: every print_state_change line has its typed event at the same time, and each event
 * names the command that caused it.
 */
async function tp3(): Promise<LabCtx> {
  ensureGraderScenarios();
  const def = getExercise("tp3");
  if (!def) throw new Error("no tp3");
  const p = await prepareLab({ scenario: "tp1.done", chapter: "tp3" }, def.solution);
  if (!p.valid) throw new Error(p.reason);
  return p.ctx;
}

/** The kernel log's state lines rebuilt from the typed events (print_state_change's format). */
function printed(e: StateEvent): string | null {
  if (e.kind !== "change") return null;
  const name: Record<string, string> = {
    role: "role",
    suspended: "susp-io",
    connection: "conn",
    "peer-role": "peer",
    disk: "disk",
    quorum: "quorum",
    "peer-disk": "pdsk",
    replication: "repl",
    "resync-suspended": "resync-susp",
  };
  return e.changes.map((c) => `${name[c.field]}( ${c.from} -> ${c.to} )`).join(" ");
}

describe("typed state history", () => {
  it("has one typed event per state line of the kernel log, at the same time", async () => {
    const ctx = await tp3();
    const history = ctx.history();
    expect(history.filter((e) => e.cause !== null).length).toBeGreaterThan(20);
    // the lines of one burst are stamped a few µs apart, as printk does; the event has the burst's time
    const sameTime = (logUs: number, eventUs: number) => logUs >= eventUs && logUs - eventUs < 1000;
    for (const node of ["node1", "node2"]) {
      const lines = ctx
        .dmesg(node)
        .filter((l) => /^drbd r0(\/\d+ drbd\d+)?( \S+)?: (role|conn|disk|pdsk|repl|peer|quorum|susp-io)\(/.test(l.text))
        .map((l) => ({
          atUs: l.timeUs,
          text: l.text.replace(/^drbd \S+( drbd\d+)?( \S+)?: /, "").replace(/ \[[\w-]+\]$/, ""),
        }));
      const typed = history
        .filter((e) => e.node === node && e.kind === "change")
        .map((e) => ({ atUs: e.atUs, text: printed(e) }));
      expect(lines.length).toBeGreaterThan(10);
      // every state line of the kernel log has its typed event, in the same order, at its time
      let i = 0;
      for (const l of lines) {
        while (i < typed.length && !(typed[i]?.text === l.text && sameTime(l.atUs, typed[i]?.atUs ?? -1))) i++;
        expect(typed[i]?.text, `${l.atUs} ${l.text}`).toBe(l.text);
        i++;
      }
      // node2 never restarted: its kernel log has every change since the start
      if (node === "node2") expect(typed.map((t) => t.text)).toEqual(lines.map((l) => l.text));
    }
  });

  it("names the command that caused each change", async () => {
    const ctx = await tp3();
    const events = ctx.lab.events();
    const promote = changeAfter(ctx, {
      node: "node2",
      object: "resource",
      fields: [{ field: "role", from: "Secondary", to: "Primary" }],
    });
    expect(promote?.cause).not.toBeNull();
    expect(events[promote?.cause ?? -1]).toMatchObject({ target: "node2", input: "drbdadm primary r0" });
    const crash = ctx.history().find((e) => e.kind === "destroy" && e.node === "node1");
    expect(crash).toMatchObject({ crash: true });
    expect(events[crash?.cause ?? -1]?.input).toBe("docker stop drbd-node1 --time=0");
  });

  it("records the split brain and how it was solved on each side", async () => {
    const ctx = await tp3();
    const found = splitBrains(ctx).map((e) => `${e.node}:${e.resolution}:${e.syncFrom}`);
    expect(found).toContain("node1:unresolved:null");
    // TP3's configuration solves it with after-sb-1pri discard-secondary once node2 is Secondary
    expect(found).toContain("node2:automatic:peer");
    expect(found).toContain("node1:automatic:this");
    const unresolved = splitBrains(ctx, "node1")[0];
    // StandAlone follows the unresolved split brain
    const alone = changeAfter(
      ctx,
      { node: "node1", object: "connection", fields: [{ field: "connection", to: "StandAlone" }] },
      unresolved?.atUs,
    );
    expect(alone?.cause).toBe(unresolved?.cause);
  });

  it("answers a node's role at a moment from the history", async () => {
    const ctx = await tp3();
    const restart = ctx.commands.find((c) => c.input === "docker start drbd-node1");
    expect(roleAt(ctx, "node2", restart?.atUs ?? 0)).toBe("Primary");
    expect(roleAt(ctx, "node2", 0)).toBe("Secondary");
  });
});
