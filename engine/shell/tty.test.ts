/**
 * A terminal line prints as it runs (tty.ts): the rewritten line must give byte for byte the
 * output the plain line gives, stdout and stderr apart, for every shape of line.
 */
import { describe, expect, it } from "vitest";
import type { Lab } from "../lab";
import { labWithR0 } from "../tests/helpers";
import type { ShellSession } from "./session";
import type { TtyChunk } from "./tty";

const LINES: [string, string][] = [
  ["node1", "echo a; echo b >&2; echo c"],
  ["node1", "echo $(echo sub) | cat"],
  ["node1", "printf 'one\\ntwo\\n' | grep one; printf '%s\\n' a b c | sort -r"],
  ["node1", "for i in 1 2 3; do echo $i; done | tac"],
  ["node1", "{ echo a; echo b >&2; } 2>&1 | cat"],
  ["node1", "ls /nope |& cat; ls /nope 2>&1 | cat; echo x 2>&1 >&2"],
  ["node1", 'x=$(ls /nope 2>&1); echo "[$x]"'],
  ["node1", "ls /nope | cat; echo b >&2"],
  ["node1", "cat <<EOF\nhello $HOSTNAME\nEOF\ncat <<< here"],
  ["node1", "f() { echo in f; echo err >&2; }; f; f | tr a-z A-Z"],
  ["node1", "f"],
  ["node1", "for i in 1 2; do echo tick $i; ls /nope$i; sleep 1; done"],
  ["node1", 'while read l; do echo "<$l>"; done <<EOF\nx\ny\nEOF'],
  ["node1", "if drbdadm status r0; then echo yes; else echo no >&2; fi"],
  ["node1", "case x in x) echo cx; ls /q;; esac; (echo sub1; echo sub2 >&2)"],
  ["node1", "echo hi > /tmp/t.txt; cat /tmp/t.txt; echo more >> /tmp/t.txt; wc -l < /tmp/t.txt"],
  ["node1", "echo a >/dev/null; echo b 2>/dev/null; echo z >/dev/stderr"],
  ["node1", "time sleep 1"],
  ["node1", "nosuchcmd; echo $UNSET_VAR; true && echo and || echo or"],
  ["node1", "su - postgres -c 'echo pg; whoami; ls /nope'"],
  ["node1", "su postgres -c 'id -un' | cat"],
  ["node1", "/scripts/monitor.sh latency 2; /scripts/monitor.sh nope"],
  ["node1", "MONITOR_COUNT=2 /scripts/monitor.sh watch"],
  ["node1", "RES=r0 MONITOR_COUNT=1 /scripts/monitor.sh watch | grep -c Role"],
  ["node1", "/scripts/nope.sh; cd /tmp && ./x.sh; bash /scripts/monitor.sh watch --count 1 | head -3"],
  ["node1", "/scripts/monitor.sh latency 2 > /tmp/lat; wc -l < /tmp/lat; /scripts/monitor.sh latency 2 2>/dev/null"],
  [
    "node1",
    "bash -c 'echo a; ls /nope' 2>/dev/null; sh -c 'echo b; ls /q'; timeout 2 sh -c 'echo t; ls /q; sleep 5' 2>&1",
  ],
  ["node1", "timeout 2 bash -c 'echo in; sleep 5' > /tmp/t2; cat /tmp/t2; timeout 3 drbdsetup events2 r0 2>/dev/null"],
  ["node1", "exec 3>&1; echo to3 >&3"],
  ["node1", "set -e; echo before; false; echo never"],
  ["node1", "echo before; exit 3; echo after"],
  ["node1", 'x=$(false); echo "rc=$?"; y=$(drbdadm status r9 2>&1) >/dev/null; echo "rc=$?"'],
  ["node1", "printf '#!/bin/bash\\nX=$(false)\\necho rc=$?\\n' > /tmp/s.sh; chmod +x /tmp/s.sh; /tmp/s.sh"],
  ["host", "docker exec drbd-node1 sh -c 'echo in; ls /nope'; docker exec drbd-node2 drbdadm status r0 | head -1"],
  ["host", "for n in 1 2; do docker exec drbd-node$n uname -n; done"],
];

const setUp = (): Promise<Lab> => labWithR0(7);

describe("terminal lines print as they run", () => {
  it("gives the plain line's stdout, stderr and status for every kind of line", async () => {
    const plain = await setUp();
    const streamed = await setUp();
    const sessions = new Map<string, [ShellSession, ShellSession]>();
    let chunks = 0;
    for (const [machine, line] of LINES) {
      const pm = plain.world.machine(machine);
      const sm = streamed.world.machine(machine);
      const [ps, ss] = sessions.get(machine) ?? [pm.newSession("root", "/root"), sm.newSession("root", "/root")];
      const a = await pm.run(line, ps);
      const printed: TtyChunk[] = [];
      const b = await sm.run(line, ss, { tty: (c) => printed.push(c) });
      chunks += printed.length;
      const out = printed.filter((c) => c.stream === "stdout").map((c) => c.text);
      const err = printed.filter((c) => c.stream === "stderr").map((c) => c.text);
      expect({ line, stdout: out.join("") + b.stdout, stderr: err.join("") + b.stderr, exit: b.exitCode }).toEqual({
        line,
        stdout: a.stdout,
        stderr: a.stderr,
        exit: a.exitCode,
      });
      expect(streamed.world.clock.now).toBe(plain.world.clock.now);
      sessions.set(machine, [a.session, b.session]);
    }
    expect(chunks).toBeGreaterThan(LINES.length);
    expect(streamed.state()).toEqual(plain.state());
  }, 60_000);

  it("prints each turn of a loop before its sleep, stdout and stderr apart and in order", async () => {
    const lab = await setUp();
    const seen: [string, string, number][] = [];
    const t0 = lab.world.clock.now;
    const r = await lab.exec("node1", "for i in 1 2; do echo tick $i; ls /nope; sleep 1; done; echo end | cat", {
      onOutput: (c) => seen.push([c.stream, c.text, (lab.world.clock.now - t0) / 1000]),
    });
    expect(seen).toEqual([
      ["stdout", "tick 1\n", 0],
      ["stderr", "ls: cannot access '/nope': No such file or directory\n", 0],
      ["stdout", "tick 2\n", 1000],
      ["stderr", "ls: cannot access '/nope': No such file or directory\n", 1000],
      ["stdout", "end\n", 2000],
    ]);
    expect(r.stdout).toBe("tick 1\ntick 2\nend\n");
    expect(r.shown).toBe(seen.map((s) => s[1]).join(""));
  });

  it("streams a script run by its path frame by frame (monitor.sh watch)", async () => {
    const lab = await setUp();
    const frames: number[] = [];
    const t0 = lab.world.clock.now;
    await lab.exec("node1", "MONITOR_COUNT=3 /scripts/monitor.sh watch", {
      onOutput: (c) => {
        if (c.text.startsWith("\x1b[H\x1b[2J")) frames.push(Math.round((lab.world.clock.now - t0) / 1e6));
      },
    });
    expect(frames).toEqual([0, 2, 4]);
  });

  it("leaves lines run by commands (su -c, docker exec) whole: their output is a value", async () => {
    const lab = await setUp();
    const seen: string[] = [];
    await lab.exec("host", "docker exec drbd-node1 sh -c 'echo a; sleep 1; echo b'", {
      onOutput: (c) => seen.push(c.text),
    });
    expect(seen).toEqual(["a\nb\n"]);
  });
});
