/**
 * The /scripts toolbox: installed, readable and executable on every node, kept in sync with
 * engine/scripts/files, and strict about its arguments.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLab } from "../../engine/lab";
import { SCRIPT_FILES } from "../../engine/scripts/generated";
import { FILES_DIR } from "../../scripts/build-toolbox";

const WORKSHOP_SCRIPTS = [
  "setup-drbd.sh",
  "drbd-init.sh",
  "drbd-status.sh",
  "drbd-role.sh",
  "change-protocol.sh",
  "benchmark.sh",
  "monitor.sh",
  "drbd-stats.sh",
  "simulate-latency.sh",
  "simulate-failure.sh",
  "simulate-splitbrain.sh",
  "resolve-splitbrain.sh",
  "failover.sh",
  "pg-failover.sh",
  "alert.sh",
  "notify-splitbrain.sh",
];

/** A wrong invocation of each script. */
const WRONG_ARGS: Record<string, string> = {
  "setup-drbd.sh": "--nope",
  "drbd-init.sh": "primary --forse",
  "drbd-status.sh": "r0",
  "drbd-role.sh": "master",
  "change-protocol.sh": "D",
  "benchmark.sh": "random",
  "monitor.sh": "watch --count x",
  "drbd-stats.sh": "all",
  "simulate-latency.sh": "fast",
  "simulate-failure.sh": "meteor",
  "simulate-splitbrain.sh": "now",
  "resolve-splitbrain.sh": "keep-both",
  "failover.sh": "--now",
  "pg-failover.sh": "node2",
  "alert.sh": "",
  "notify-splitbrain.sh": "",
};

describe("toolbox", () => {
  it("the generated module matches engine/scripts/files (run `npm run build:toolbox`)", () => {
    const files = Object.fromEntries(
      readdirSync(FILES_DIR)
        .filter((n) => n.endsWith(".sh"))
        .map((n) => [n, readFileSync(join(FILES_DIR, n), "utf8")]),
    );
    expect(SCRIPT_FILES).toEqual(files);
  });

  it("ships exactly the sixteen scripts the workshop names", () => {
    expect(Object.keys(SCRIPT_FILES).sort()).toEqual([...WORKSHOP_SCRIPTS].sort());
    for (const [name, text] of Object.entries(SCRIPT_FILES)) {
      expect(text.startsWith("#!/bin/bash\n"), name).toBe(true);
      expect(text, name).toMatch(/Usage: /);
    }
  });

  it("installs them on every node and on the host, executable and readable", async () => {
    const lab = await createLab({ scenario: "running" });
    for (const node of ["node1", "node2"]) {
      const ls = await lab.exec(node, "ls -l /scripts");
      for (const s of WORKSHOP_SCRIPTS)
        expect(ls.stdout).toMatch(new RegExp(`-rwxr-xr-x 1 root root +\\d+ .* ${s.replace(".", "\\.")}\\n`));
      expect((await lab.exec(node, "cat /scripts/failover.sh")).stdout).toBe(SCRIPT_FILES["failover.sh"]);
    }
    expect((await lab.exec("host", "ls ~/drbd-workshop/scripts | wc -l")).stdout.trim()).toBe("16");
  });

  it("is one directory shared by the host and the nodes, like compose's ./scripts:/scripts", async () => {
    const lab = await createLab({ scenario: "running" });
    await lab.exec(
      "node1",
      "printf '#!/bin/bash\\necho \"bascule sur $(uname -n)\"\\n' > /scripts/auto-failover.sh && chmod +x /scripts/auto-failover.sh",
    );
    expect((await lab.exec("node2", "/scripts/auto-failover.sh")).stdout).toBe("bascule sur node2\n");
    await lab.exec("node2", "echo '# modifie sur node2' >> /scripts/auto-failover.sh");
    expect((await lab.exec("host", "tail -1 ~/drbd-workshop/scripts/auto-failover.sh")).stdout).toBe(
      "# modifie sur node2\n",
    );
    expect((await lab.exec("node1", "ls /scripts | wc -l")).stdout.trim()).toBe("17");
  });

  it("comes back when a container is re-created from the image", async () => {
    const lab = await createLab({ scenario: "running" });
    await lab.exec("host", "cd ~/drbd-workshop && docker-compose down && docker-compose up -d");
    expect((await lab.exec("node1", "ls /scripts | wc -l")).stdout.trim()).toBe("16");
    expect((await lab.exec("node1", "/scripts/drbd-init.sh create-md")).exitCode).toBe(0);
  });

  it("rejects wrong arguments with a usage line and a non-zero exit", async () => {
    const lab = await createLab({ scenario: "running" });
    for (const s of WORKSHOP_SCRIPTS) {
      const r = await lab.exec("node1", `/scripts/${s} ${WRONG_ARGS[s]}`);
      expect(r.exitCode, s).not.toBe(0);
      expect(r.stderr, s).toMatch(/^Usage: /m);
    }
  });

  it("drbd-init.sh echoes and runs the real drbdadm commands", async () => {
    const lab = await createLab({ scenario: "running" });
    const r = await lab.exec("node1", "/scripts/drbd-init.sh create-md && /scripts/drbd-init.sh start");
    expect(r.stdout).toMatch(/^>>> drbdadm create-md r0\n[\s\S]*>>> drbdadm up r0\n/);
    expect((await lab.exec("node1", "drbdadm status r0")).stdout).toContain("node2 connection:Connecting");
  });

  it("drbd-status.sh says what drbdadm says when the resource is down", async () => {
    const lab = await createLab({ scenario: "running" });
    const r = await lab.exec("node1", "/scripts/drbd-status.sh");
    expect(r.exitCode).toBe(10);
    expect(r.stderr).toContain("r0: No such resource");
  });
});

describe("toolbox scripts at work", () => {
  async function synced() {
    const lab = await createLab({ scenario: "running" });
    const p = await lab.exec("node1", "/scripts/setup-drbd.sh --primary");
    const s = await lab.exec("node2", "/scripts/setup-drbd.sh");
    await lab.exec(
      "node1",
      "sleep 20; mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd && echo hello > /mnt/drbd/f.txt",
    );
    return { lab, p, s };
  }

  it("setup-drbd.sh creates metadata only when missing, starts, promotes and formats", async () => {
    const { lab, p, s } = await synced();
    expect(p.stdout).toMatch(
      />>> drbdadm create-md r0[\s\S]*>>> drbdadm up r0[\s\S]*>>> drbdadm primary --force r0[\s\S]*>>> mkfs\.ext4 -q \/dev\/drbd0/,
    );
    expect(s.stdout).not.toContain("primary");
    expect((await lab.exec("node1", "cat /mnt/drbd/f.txt")).stdout).toBe("hello\n");
    const again = await lab.exec("node2", "/scripts/setup-drbd.sh");
    expect(again.stdout).toContain("r0 est deja demarree");
    expect(again.stdout).not.toContain("create-md");
  });

  it("drbd-role.sh secondary fails like drbdadm on a mounted device and says why", async () => {
    const { lab } = await synced();
    const r = await lab.exec("node1", "/scripts/drbd-role.sh secondary");
    expect(r.exitCode).toBe(11);
    expect(r.stderr).toContain("Device is held open by someone");
    expect(r.stderr).toContain("demontez-le d'abord");
  });

  it("failover.sh moves the role and the mount to the peer; refuses on a Secondary", async () => {
    const { lab } = await synced();
    const r = await lab.exec("node1", "/scripts/failover.sh");
    expect(r.exitCode).toBe(0);
    expect((await lab.exec("node2", "cat /mnt/drbd/f.txt")).stdout).toBe("hello\n");
    expect((await lab.exec("node2", "drbdadm role r0")).stdout).toBe("Primary\n");
    const again = await lab.exec("node1", "/scripts/failover.sh");
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain("n'est pas Primary");
  });

  it("pg-failover.sh releases the resource and leaves a timestamped alert in the log and syslog", async () => {
    const { lab } = await synced();
    const r = await lab.exec("node1", "/scripts/pg-failover.sh");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(">>> umount /mnt/drbd");
    expect((await lab.exec("node1", "drbdadm role r0")).stdout).toBe("Secondary\n");
    const log = (await lab.exec("node1", "cat /var/log/drbd-alerts.log")).stdout;
    expect(log).toMatch(/^2024-01-15 14:3\d:\d\d node1 \[failover\] resource=r0 /);
    expect((await lab.exec("node1", "grep -c drbd-alert /var/log/syslog")).stdout).toBe("1\n");
  });

  it("benchmark.sh reads the live tuning: bigger socket buffers lift protocol A over a 50 ms link", async () => {
    const { lab } = await synced();
    await lab.exec("node1", "/scripts/change-protocol.sh A && /scripts/simulate-latency.sh 50ms");
    const small = (await lab.exec("node1", "/scripts/benchmark.sh write")).stdout;
    expect(small).toMatch(/Limited by\s+: TCP window to node2 \(512 KiB/);
    for (const n of ["node1", "node2"])
      await lab.exec(
        n,
        "sed -i 's/sndbuf-size 512k/sndbuf-size 8M/; s/rcvbuf-size 512k/rcvbuf-size 8M/' /etc/drbd.d/global_common.conf",
      );
    const big = (await lab.exec("node1", "/scripts/benchmark.sh write")).stdout;
    const mbps = (t: string) => Number(/Throughput\s*:\s*([\d.]+) MB\/s/.exec(t)?.[1]);
    expect(mbps(big)).toBeGreaterThan(mbps(small) * 4);
  });

  it("sysctl reads, sets and loads kernel parameters, rejecting unknown keys", async () => {
    const lab = await createLab({ scenario: "running" });
    expect((await lab.exec("node1", "sysctl net.ipv4.tcp_wmem")).stdout).toBe(
      "net.ipv4.tcp_wmem = 4096\t16384\t4194304\n",
    );
    await lab.exec("node1", "echo 'net.ipv4.tcp_wmem = 4096 65536 16777216' >> /etc/sysctl.conf");
    expect((await lab.exec("node1", "sysctl -p")).stdout).toBe("net.ipv4.tcp_wmem = 4096 65536 16777216\n");
    expect((await lab.exec("node1", "sysctl -n net.ipv4.tcp_wmem")).stdout).toBe("4096\t65536\t16777216\n");
    expect((await lab.exec("node2", "sysctl net.ipv4.tcp_wmem")).stdout).toContain("4194304");
    const bad = await lab.exec("node1", "sysctl -w net.core.nope=1");
    expect(bad.exitCode).toBe(255);
    expect(bad.stderr).toBe("sysctl: cannot stat /proc/sys/net/core/nope: No such file or directory\n");
    expect((await lab.exec("node1", "sysctl -w net.core.rmem_max=abc")).stderr).toContain("Invalid argument");
  });
});

describe("labctl", () => {
  it("rejects what it cannot do, with the reason", async () => {
    const lab = await createLab({ scenario: "running" });
    const usage = await lab.exec("node1", "labctl");
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toMatch(/^usage: labctl bench/);
    expect((await lab.exec("node1", "labctl bench write")).stderr).toContain("resource r0 is not up on node1");
    expect((await lab.exec("node1", "labctl bench fast")).stderr).toBe("Usage: benchmark.sh write|read|latency\n");
    expect((await lab.exec("node1", "labctl disk-fault /dev/sda1 melted")).exitCode).toBe(2);
    expect((await lab.exec("node1", "labctl disk-fault /dev/sdz slow")).stderr).toContain(
      "/dev/sdz: no such block device",
    );
    expect((await lab.exec("node1", "labctl on node9 uname -n")).stderr).toContain("node9: no such lab node");
    expect((await lab.exec("node1", "labctl on node2 uname -n")).stdout).toBe("node2\n");
    await lab.exec("host", "docker stop drbd-node2");
    const down = await lab.exec("node1", "labctl on node2 uname -n");
    expect(down.exitCode).toBe(255);
    expect(down.stderr).toContain("node2 is not running");
    expect((await lab.exec("host", "labctl")).stderr).toContain("command not found");
  });

  it("gives the same benchmark for the same seed and jitters with another", async () => {
    async function bench(seed: number) {
      const lab = await createLab({ scenario: "running", seed });
      await lab.exec("node1", "/scripts/setup-drbd.sh --primary > /dev/null");
      await lab.exec("node2", "/scripts/setup-drbd.sh > /dev/null");
      await lab.exec("node1", "sleep 20; mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd");
      return (await lab.exec("node1", "/scripts/benchmark.sh latency")).stdout;
    }
    const a = await bench(7);
    expect(await bench(7)).toBe(a);
    expect(await bench(8)).not.toBe(a);
  });
});

describe("change-protocol.sh", () => {
  async function connectedPair() {
    const lab = await createLab({ scenario: "running" });
    await lab.exec("node1", "/scripts/setup-drbd.sh --primary > /dev/null");
    await lab.exec("node2", "/scripts/setup-drbd.sh > /dev/null");
    await lab.exec("node1", "sleep 20");
    return lab;
  }

  it("edits r0.res, applies it live and says the peer's file must follow", async () => {
    const lab = await connectedPair();
    const r = await lab.exec("node1", "/scripts/change-protocol.sh B");
    expect(r.stdout).toContain(">>> drbdadm adjust r0");
    expect(r.stdout).toContain("A faire aussi sur node2");
    expect((await lab.exec("node1", "grep -c 'protocol B;' /etc/drbd.d/r0.res")).stdout).toBe("1\n");
    expect((await lab.exec("node1", "drbdsetup show r0")).stdout).toMatch(/protocol\s+B;/);
    expect((await lab.exec("node2", "grep -c 'protocol B;' /etc/drbd.d/r0.res")).stdout).toBe("0\n");
  });

  it("a peer left on the old protocol refuses the connection after it restarts; both files agreeing fixes it", async () => {
    const lab = await connectedPair();
    await lab.exec("node1", "/scripts/change-protocol.sh A");
    await lab.exec("host", "docker restart drbd-node2");
    await lab.exec("node2", "sleep 15");
    expect((await lab.exec("node2", "drbdadm cstate r0")).stdout).toBe("StandAlone\n");
    expect((await lab.exec("node2", "dmesg | grep -c 'incompatible protocol settings'")).stdout).not.toBe("0\n");
    await lab.exec("node2", "/scripts/change-protocol.sh A");
    await lab.exec("node1", "drbdadm adjust r0");
    await lab.exec("node1", "sleep 12");
    expect((await lab.exec("node1", "drbdadm cstate r0")).stdout).toBe("Connected\n");
  });
});

describe("failure scripts clean up after themselves", () => {
  it("simulate-failure.sh network: Ctrl-C leaves the rules (no trap in this shell), --undo removes them", async () => {
    const lab = await createLab({ scenario: "running" });
    await lab.exec("node1", "/scripts/setup-drbd.sh --primary > /dev/null");
    await lab.exec("node2", "/scripts/setup-drbd.sh > /dev/null");
    await lab.exec("node1", "sleep 20");
    const ctrlC = new AbortController();
    lab.world.clock.schedule(5_000_000, "ctrl-c", () => ctrlC.abort());
    const r = await lab.exec("node1", "/scripts/simulate-failure.sh network 30s", { signal: ctrlC.signal });
    expect(r.exitCode).toBe(130);
    expect((await lab.exec("node1", "iptables -S")).stdout).toContain("-A INPUT -s 172.28.0.12/32 -j DROP");
    const undo = await lab.exec("node1", "/scripts/simulate-failure.sh network --undo");
    expect(undo.stdout).toContain(">>> iptables -D OUTPUT -d 172.28.0.12 -j DROP");
    expect((await lab.exec("node1", "iptables -S")).stdout).not.toContain("DROP");
    await lab.exec("node1", "sleep 15");
    expect((await lab.exec("node1", "drbdadm cstate r0")).stdout).toBe("Connected\n");
  });

  it("simulate-splitbrain.sh restores the link when the peer cannot take part", async () => {
    const lab = await createLab({ scenario: "running" });
    await lab.exec("node1", "/scripts/setup-drbd.sh --primary > /dev/null");
    await lab.exec("node2", "/scripts/setup-drbd.sh > /dev/null");
    await lab.exec("node1", "sleep 20");
    await lab.exec("host", "docker stop drbd-node2");
    const r = await lab.exec("node1", "/scripts/simulate-splitbrain.sh");
    expect(r.exitCode).toBe(255);
    expect(r.stderr).toContain("node2 is not running");
    expect((await lab.exec("node1", "iptables -S")).stdout).not.toContain("DROP");
  });
});

describe("section 8.3 alert handlers", () => {
  it("alert.sh runs as pri-lost-after-sb when a split brain's losing Primary cannot step down", async () => {
    const lab = await createLab({ scenario: "running" });
    const conf =
      'sed -i \'s|^resource r0 {|resource r0 {\\n    handlers {\\n        pri-lost-after-sb "/scripts/alert.sh splitbrain";\\n        local-io-error "/scripts/alert.sh io-error";\\n    }\\n    net {\\n        after-sb-0pri discard-younger-primary;\\n        after-sb-1pri discard-secondary;\\n        after-sb-2pri call-pri-lost-after-sb;\\n    }|\' /etc/drbd.d/r0.res';
    for (const n of ["node1", "node2"]) expect((await lab.exec(n, conf)).exitCode).toBe(0);
    await lab.exec("node1", "/scripts/setup-drbd.sh --primary > /dev/null");
    await lab.exec("node2", "/scripts/setup-drbd.sh > /dev/null");
    await lab.exec("node1", "sleep 20; mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd");
    const sb = await lab.exec("node1", "/scripts/simulate-splitbrain.sh");
    expect(sb.stdout).toContain("Split-Brain detected, 2 primaries, automatically solved");
    // node2 became Primary last (the younger one) and, mounted, cannot give up its role
    const log = (await lab.exec("node2", "cat /var/log/drbd-alerts.log")).stdout;
    expect(log).toMatch(
      /^2024-01-15 14:3\d:\d\d node2 \[splitbrain\] resource=r0 minor=0 peer=172\.28\.0\.11 : Primary perdant apres un split-brain \(pri-lost-after-sb\)\n$/,
    );
    expect((await lab.exec("node2", "dmesg | grep 'pri-lost-after-sb exit code'")).stdout).toContain("exit code 0");
    expect((await lab.exec("node1", "cat /var/log/drbd-alerts.log")).exitCode).toBe(1);
  });
});
