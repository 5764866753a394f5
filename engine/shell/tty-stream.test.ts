/**
 * Commands that print while they run (tty.ts, CommandContext.print): `drbdsetup events2`
 * following changes prints its `exists` lines at once and each `change` line when its event
 * happens in virtual time; `timeout` and `bash -c` keep what their command printed before a
 * kill; a Ctrl-C keeps what was printed, in the transcript, the log and a replay.
 */
import { describe, expect, it } from "vitest";
import { timestampPrefix } from "../drbd/commands/drbdsetup";
import { type Lab, replayLab } from "../lab";
import { labWithR0 } from "../tests/helpers";
import type { TtyChunk } from "./tty";

const S = 1_000_000;

/** Runs a line at node1's terminal; each chunk with the virtual µs since the line started. */
async function streamed(lab: Lab, line: string, opts: { interruptAfterUs?: number } = {}) {
  const t0 = lab.world.clock.now;
  const chunks: { atUs: number; chunk: TtyChunk }[] = [];
  const r = await lab.exec("node1", line, {
    ...opts,
    onOutput: (chunk) => chunks.push({ atUs: lab.world.clock.now - t0, chunk }),
  });
  return { r, chunks, t0 };
}

describe("drbdsetup events2 on the terminal", () => {
  it("prints the exists lines at once, then each change line when it happens", async () => {
    const lab = await labWithR0(4);
    // r0 resyncs from node1: its end is a change that happens while events2 runs
    const { r, chunks, t0 } = await streamed(lab, "timeout 60 drbdsetup events2 --timestamps r0");
    expect(r.exitCode).toBe(124);
    const [first, ...rest] = chunks;
    expect(first?.atUs).toBe(0);
    expect(first?.chunk.text).toMatch(/^\S+ exists resource name:r0 role:Primary /);
    expect(first?.chunk.text.endsWith(" exists -\n")).toBe(true);
    const changes = rest.filter((c) => c.chunk.stream === "stdout");
    expect(changes.length).toBeGreaterThan(0);
    for (const c of changes) {
      // printed at the virtual time of its event, which --timestamps writes on each line
      expect(c.atUs).toBeGreaterThan(0);
      expect(c.atUs).toBeLessThan(60 * S);
      for (const line of c.chunk.text.trimEnd().split("\n")) {
        expect(line).toMatch(/^\S+ (change|create|destroy) /);
        expect(line.startsWith(timestampPrefix(t0 + c.atUs))).toBe(true);
      }
    }
    const done = changes.find((c) => c.chunk.text.includes("replication:Established"));
    expect(done?.chunk.text).toContain("peer-disk:UpToDate");
    expect(done?.atUs).toBeLessThan(59 * S);
    // the transcript is what was printed, in order, and nothing more
    expect(r.stdout).toBe(chunks.map((c) => c.chunk.text).join(""));
  }, 60_000);

  it("streams to the terminal only: piped or redirected its output is a value", async () => {
    const lab = await labWithR0(4);
    const piped = await streamed(lab, "timeout 30 drbdsetup events2 r0 | cat");
    // one chunk, when the pipeline ends
    expect(piped.chunks.map((c) => c.atUs)).toEqual([30 * S]);
    expect(piped.chunks[0]?.chunk.text).toMatch(/exists -\nchange /);
    const lab2 = await labWithR0(4);
    const toFile = await streamed(lab2, "timeout 30 drbdsetup events2 r0 > /tmp/ev; echo rc=$?; cat /tmp/ev");
    expect(toFile.chunks[0]?.chunk.text).toBe("rc=124\n");
    // the file holds the same lines the pipe carried
    expect(toFile.r.stdout).toBe(`rc=124\n${piped.r.stdout}`);
  }, 60_000);

  it("gives the same bytes streamed or not, and the same as a replay", async () => {
    const lab = await labWithR0(5);
    const plain = await labWithR0(5);
    const line = "timeout 45 drbdsetup events2 r0; echo rc=$?";
    const live = await streamed(lab, line);
    const value = await plain.exec("node1", `x=$(${line}); echo "$x"`);
    expect(live.chunks.length).toBeGreaterThan(2);
    expect(live.r.stdout).toBe(value.stdout);
    const again = await replayLab({ scenario: "running", seed: 5, events: lab.events() });
    expect(again.events()).toEqual(lab.events());
    expect(again.state()).toEqual(lab.state());
  }, 60_000);

  it("keeps its lines at a Ctrl-C, in the transcript, the log and a replay", async () => {
    const lab = await labWithR0(6);
    const { r, chunks } = await streamed(lab, "drbdsetup events2 r0", { interruptAfterUs: 40 * S });
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toBe("^C\n");
    expect(chunks.filter((c) => c.chunk.stream === "stdout").length).toBeGreaterThan(1);
    expect(r.shown).toBe(`${r.stdout}^C\n`);
    expect(r.stdout).toMatch(/exists -\n(change .*\n)+$/);
    const events = lab.events();
    expect(events.at(-1)).toMatchObject({ input: "drbdsetup events2 r0", exitCode: 130 });
    const shown: string[] = [];
    await replayLab({
      scenario: "running",
      seed: 6,
      events,
      observer: {
        step: async (_lab, s) => {
          if (s?.kind === "exec") shown.push(s.shown);
        },
      },
    });
    expect(shown.at(-1)).toBe(r.shown);
  }, 60_000);

  it("leaves no trace of the terminal mark in `set -x`", async () => {
    const lab = await labWithR0(4);
    const r = await lab.exec("node1", "set -x; timeout 1 drbdsetup events2 r0 >/dev/null; bash -c 'true'");
    expect(r.stderr).toBe("+ timeout 1 drbdsetup events2 r0\n+ bash -c true\n");
  });

  it("is not a drbdadm command (drbd-utils 9: Unknown command)", async () => {
    const lab = await labWithR0(4);
    const r = await lab.exec("node1", "drbdadm events2 r0");
    expect({ out: r.stdout, err: r.stderr, code: r.exitCode }).toEqual({
      out: "",
      err: "drbdadm: Unknown command 'events2'\n",
      code: 1,
    });
  });

  it("--timestamps prefixes drbdsetup_events2.c's ISO time to the microsecond, --now included", async () => {
    expect(timestampPrefix(0)).toBe("2024-01-15T14:30:00.000000+00:00 ");
    expect(timestampPrefix(86_400 * S + 1_234_567)).toBe("2024-01-16T14:30:01.234567+00:00 ");
    const lab = await labWithR0(4);
    const at = lab.world.clock.now;
    const r = await lab.exec("node1", "drbdsetup events2 --now -T r0");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.at(-1)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 exists -$/);
    expect(lines.every((l) => l.startsWith(timestampPrefix(at).slice(0, 17)))).toBe(true);
    const bare = await lab.exec("node1", "drbdsetup events2 --now r0");
    expect(bare.stdout.startsWith("exists resource")).toBe(true);
  });
});

describe("output printed before a kill", () => {
  it("timeout keeps what its command printed, exits 124 (143 with --preserve-status, 137 for KILL)", async () => {
    const lab = await labWithR0(4);
    const a = await streamed(lab, "timeout 3 bash -c 'echo a; sleep 10'; echo rc=$?");
    expect(a.chunks.map((c) => [c.atUs, c.chunk.text])).toEqual([
      [0, "a\n"],
      [3 * S, "rc=124\n"],
    ]);
    const out = async (line: string) => (await lab.exec("node1", line)).stdout;
    expect(await out("timeout --preserve-status 2 sleep 5; echo $?")).toBe("143\n");
    expect(await out("timeout -s KILL 2 sleep 5; echo $?")).toBe("137\n");
    expect(await out("timeout -s INT --preserve-status 1 sleep 3; echo $?")).toBe("130\n");
    expect(await out("timeout 5 sh -c 'exit 3'; echo $?")).toBe("3\n");
    // options are timeout's only before the duration: the command keeps its own
    expect(await out("timeout 5 echo -s -k x")).toBe("-s -k x\n");
    // inside a substitution the command's output is a value, still kept
    expect(await out("x=$(timeout 2 sh -c 'echo in; sleep 9'); echo \"[$x] $?\"")).toBe("[in] 124\n");
    expect(await out("timeout 2 bash -c 'echo a; echo b >&2; sleep 9; echo never' 2>&1 | cat")).toBe("a\nb\n");
  });

  it("a loop stopped by Ctrl-C keeps its lines, and a replay prints the same bytes", async () => {
    const lab = await labWithR0(4);
    const { r, chunks } = await streamed(lab, "while true; do date; sleep 1; done", { interruptAfterUs: 3.5 * S });
    expect(r.exitCode).toBe(130);
    expect(chunks.filter((c) => c.chunk.stream === "stdout").map((c) => c.atUs)).toEqual([0, S, 2 * S, 3 * S, 4 * S]);
    expect(r.stdout.split("\n")).toHaveLength(6);
    expect(r.shown).toBe(`${r.stdout}^C\n`);
    const shown: string[] = [];
    const again = await replayLab({
      scenario: "running",
      seed: 4,
      events: lab.events(),
      observer: {
        step: async (_lab, s) => {
          if (s?.kind === "exec") shown.push(s.shown);
        },
      },
    });
    expect(shown.at(-1)).toBe(r.shown);
    expect(again.events()).toEqual(lab.events());
  });
});
