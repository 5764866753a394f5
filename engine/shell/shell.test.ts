import { describe, expect, it } from "vitest";
import { lab, out } from "../tests/helpers";

describe("terminal session state across execs", () => {
  it("keeps cwd, variables, exported variables, functions and aliases", async () => {
    const l = await lab();
    await out(l, "node1", "cd /etc/drbd.d");
    expect(await out(l, "node1", "pwd")).toBe("/etc/drbd.d\n");
    await out(l, "node1", "export PGDATA=/mnt/drbd/pg; N=3; greet() { echo \"hello $1\"; }; alias ll='ls -l'");
    expect(await out(l, "node1", "echo $PGDATA $N; greet you")).toBe("/mnt/drbd/pg 3\nhello you\n");
    expect(await out(l, "node1", "ll -d /etc")).toMatch(/^drwxr-xr-x 3 root root 4096 Jan 15 14:30 \/etc\n$/);
    await out(l, "node1", "cd -");
    expect(await out(l, "node1", "pwd")).toBe("/root\n");
    await out(l, "node1", "unset -f greet");
    expect((await l.exec("node1", "greet x")).exitCode).toBe(127);
  });

  it("keeps separate state per terminal and per machine", async () => {
    const l = await lab();
    await out(l, "node1", "cd /tmp; X=one");
    await out(l, { machine: "node1", session: "t2" } as never, "cd /etc; X=two");
    expect(await out(l, "node1", "echo $X; pwd")).toBe("one\n/tmp\n");
    expect(await out(l, "node1#t2", "echo $X; pwd")).toBe("two\n/etc\n");
    expect(await out(l, "node2", "echo ${X:-unset}; pwd")).toBe("unset\n/root\n");
  });

  it("reports syntax errors the way bash does", async () => {
    const l = await lab();
    const r = await l.exec("node1", "if then fi");
    expect(r.stderr).toBe("bash: syntax error near unexpected token `fi'\n");
    expect(r.exitCode).toBe(2);
  });

  it("answers unknown commands like bash, exit 127", async () => {
    const l = await lab();
    const r = await l.exec("node1", "drbdmanage list");
    expect(r).toMatchObject({ exitCode: 127, stdout: "", stderr: "bash: drbdmanage: command not found\n" });
  });

  it("answers a directory run as a command like bash (Is a directory, 126), in a terminal too", async () => {
    const l = await lab();
    await l.exec("node1", "cd /");
    const dir = await l.exec("node1", "/scripts; echo rc=$?; ./scripts");
    expect(dir).toMatchObject({
      stdout: "rc=126\n",
      stderr: "bash: /scripts: Is a directory\nbash: ./scripts: Is a directory\n",
      exitCode: 126,
    });
    const printed: string[] = [];
    const m = l.world.machine("node1");
    const r = await m.run("./", m.newSession("root", "/tmp"), { tty: (c) => printed.push(`${c.stream}:${c.text}`) });
    expect({ printed, stderr: r.stderr, exitCode: r.exitCode }).toEqual({
      printed: ["stderr:bash: ./: Is a directory\n"],
      stderr: "",
      exitCode: 126,
    });
    // a file without the execute bit stays « Permission denied », as in bash
    const file = await l.exec("node1", "echo x > /tmp/f; /tmp/f");
    expect(file).toMatchObject({ stderr: "bash: /tmp/f: Permission denied\n", exitCode: 126 });
  });

  it("answers python like a machine without it, never with the shell library's internals", async () => {
    const l = await lab();
    for (const [target, name] of [
      ["node1", "python3"],
      ["host", "python"],
    ] as const) {
      const r = await l.exec(target, `${name} -c 'print(1)'`);
      expect(r).toMatchObject({ exitCode: 127, stdout: "", stderr: `bash: ${name}: command not found\n` });
      expect(r.stderr).not.toMatch(/browser|bundle/i);
    }
  });

  it("runs learners' scripts with functions, loops and substitutions, bounded", async () => {
    const l = await lab();
    const script =
      'count() { local n=0; for f in "$@"; do n=$((n+1)); done; echo $n; }\nif [ "$(count a b c)" = 3 ]; then echo ok; fi\ni=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i';
    expect(await out(l, "node1", script)).toBe("ok\n3\n");
    // a runaway loop is killed by its work budget, as by a CPU time limit (128 + SIGXCPU)
    const runaway = await l.exec("node1", "while true; do :; done");
    expect(runaway).toMatchObject({ exitCode: 152, stderr: "CPU time limit exceeded\n", stdout: "" });
  });
});

describe("users", () => {
  it("su - postgres -c runs as postgres with its home; files it creates belong to it", async () => {
    const l = await lab();
    expect(await out(l, "node1", 'su - postgres -c "whoami; pwd; touch /tmp/pg.txt"')).toBe(
      "postgres\n/var/lib/postgresql\n",
    );
    expect(await out(l, "node1", "ls -l /tmp/pg.txt")).toMatch(
      /^-rw-r--r-- 1 postgres postgres 0 Jan 15 14:30 \/tmp\/pg.txt\n$/,
    );
    expect(await out(l, "node1", "whoami")).toBe("root\n");
  });

  it("interactive su switches the terminal's user until exit; non-root cannot su back", async () => {
    const l = await lab();
    const r = await l.exec("node1", "su - postgres");
    expect(r.session).toMatchObject({ user: "postgres", cwd: "/var/lib/postgresql" });
    expect(await out(l, "node1", "id -un")).toBe("postgres\n");
    const denied = await l.exec("node1", "su - root -c id");
    expect(denied.exitCode).toBe(1);
    expect(denied.stderr).toContain("su: Authentication failure");
    expect((await l.exec("node1", "exit")).stderr).toBe("logout\n");
    expect(await out(l, "node1", "whoami")).toBe("root\n");
    expect((await l.exec("node1", "su - nobodyhere")).stderr).toBe(
      "su: user nobodyhere does not exist or the user entry does not contain all the required fields\n",
    );
  });

  it("chown -R and chmod show in ls -l; a non-root user may not chown", async () => {
    const l = await lab();
    await out(
      l,
      "node1",
      "mkdir -p /srv/pg/data && chown -R postgres:postgres /srv/pg && chmod 700 /srv/pg/data && chmod u+x,g+w /srv/pg",
    );
    expect(await out(l, "node1", "ls -l /srv")).toBe("total 4\ndrwxrwxr-x 3 postgres postgres 4096 Jan 15 14:30 pg\n");
    expect(await out(l, "node1", "ls -ld /srv/pg/data")).toMatch(/^drwx------ 2 postgres postgres 4096 /);
    expect((await l.exec("node1", "chown nobodyhere /srv")).stderr).toBe("chown: invalid user: 'nobodyhere'\n");
    const r = await l.exec("node1", "su postgres -c 'chown root /srv/pg'");
    expect(r.stderr).toBe("chown: changing ownership of '/srv/pg': Operation not permitted\n");
  });
});

describe("virtual time", () => {
  it("date reads the virtual wall clock and sleep advances it", async () => {
    const l = await lab("fresh");
    const t0 = Number(await out(l, "host", "date +%s"));
    expect(t0).toBe(Date.UTC(2024, 0, 15, 14, 30, 0) / 1000);
    const r = await l.exec("host", "sleep 90; date '+%F %T'");
    expect(r.stdout).toBe("2024-01-15 14:31:30\n");
    expect(r.durationMs).toBeGreaterThanOrEqual(90_000);
    expect(r.durationMs).toBeLessThan(90_100);
    expect(await out(l, "host", "date")).toBe("Mon Jan 15 14:31:30 UTC 2024\n");
    expect((await l.exec("host", "sleep 1x")).stderr).toBe(
      "sleep: invalid time interval '1x'\nTry 'sleep --help' for more information.\n",
    );
  });

  it("time, timeout and $SECONDS use the virtual clock", async () => {
    const l = await lab();
    const t = await l.exec("node1", "time sleep 2");
    expect(t.stderr).toBe("\nreal\t0m2.000s\nuser\t0m0.040s\nsys\t0m0.040s\n");
    expect(await out(l, "node1", 'timeout 3 sleep 10; echo "rc=$?"')).toBe("rc=124\n");
    expect(await out(l, "node1", "timeout 3 true; echo $?")).toBe("0\n");
    // a looping script is killed at the deadline, not left spinning on its iteration limit
    await l.exec("node1", "printf 'while true; do\\n  sleep 5\\ndone\\n' > /root/loop.sh");
    const before = Number(await out(l, "node1", "date +%s"));
    const killed = await l.exec("node1", 'timeout 12 bash /root/loop.sh; echo "rc=$?"');
    expect(killed.stdout).toBe("rc=124\n");
    expect(killed.stderr).not.toMatch(/too many iterations/);
    expect(Number(await out(l, "node1", "date +%s")) - before).toBeLessThan(14);
    expect(await out(l, "node1", "echo $SECONDS; sleep 5; echo $SECONDS")).toMatch(/^\d+\n\d+\n$/);
    const [a, b] = (await out(l, "node1", "echo $SECONDS; sleep 5; echo $SECONDS")).trim().split("\n").map(Number);
    expect((b ?? 0) - (a ?? 0)).toBe(5);
  });

  it("$RANDOM and awk rand() are the same for a seed and differ across seeds", async () => {
    const line = "echo $RANDOM ${RANDOM} $((RANDOM % 1000)); awk 'BEGIN{print rand()}'";
    const a = await out(await lab("running", 11), "node1", line);
    const b = await out(await lab("running", 11), "node1", line);
    const c = await out(await lab("running", 12), "node1", line);
    expect(a).toMatch(/^\d+ \d+ \d+\n0\.\d+\n$/);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });
});

describe("system commands", () => {
  it("ls -la shows owners, modes, sizes and virtual dates", async () => {
    const l = await lab();
    expect(await out(l, "node1", "ls -la /etc/drbd.d")).toMatch(
      /^total \d+\ndrwxr-xr-x 2 root root 4096 Jan 15 14:30 \.\ndrwxr-xr-x 3 root root 4096 Jan 15 14:30 \.\.\n-rw-r--r-- 1 root root +\d+ Jan 15 14:30 global_common\.conf\n-rw-r--r-- 1 root root +\d+ Jan 15 14:30 r0\.res\n$/,
    );
    expect((await l.exec("node1", "ls /nope")).stderr).toBe("ls: cannot access '/nope': No such file or directory\n");
  });

  it("apt-get knows the image's packages and nothing else", async () => {
    const l = await lab();
    expect(await out(l, "node1", "apt-get install -y postgresql-contrib")).toContain(
      "postgresql-contrib is already the newest version (18+287.pgdg22.04+1).",
    );
    const r = await l.exec("node1", "apt-get install -y drbd9-magic");
    expect(r).toMatchObject({ exitCode: 100, stderr: "E: Unable to locate package drbd9-magic\n" });
  });

  it("dmesg prints kernel lines with uptime stamps, -T with dates, -c clears", async () => {
    const l = await lab();
    const lines = (await out(l, "node1", "dmesg")).trim().split("\n");
    expect(lines.at(-1)).toMatch(
      /^\[ *\d+\.\d{6}\] br-[0-9a-f]{12}: port 1\(veth[0-9a-f]{7}\) entered forwarding state$/,
    );
    expect(await out(l, "node1", "dmesg -T | tail -1")).toMatch(/^\[Mon Jan 15 14:30:0\d 2024\] /);
    await out(l, "node1", "dmesg -c > /dev/null");
    expect(await out(l, "node1", "dmesg")).toBe("");
    expect((await l.exec("host", "dmesg")).stderr).toBe("dmesg: read kernel buffer failed: Operation not permitted\n");
  });

  it("ps aux lists the container's processes; kill of an unknown pid fails", async () => {
    const l = await lab();
    const ps = await out(l, "node1", "ps aux");
    expect(ps.split("\n")[0]).toBe("USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND");
    expect(ps).toMatch(/^root {11}1 {2}0\.0 {2}0\.0 {3}2788 {2}1024 \? {8}Ss {3}14:30 {3}0:00 sleep infinity$/m);
    expect((await l.exec("node1", "kill 4242")).stderr).toBe("bash: kill: (4242) - No such process\n");
  });

  it("/proc is read-only and generated; /dev/null swallows output", async () => {
    const l = await lab();
    expect(await out(l, "node1", "cat /proc/loadavg")).toBe("0.08 0.05 0.01 1/412 2817\n");
    expect(await out(l, "node1", "echo hidden > /dev/null; cat /dev/null; echo shown")).toBe("shown\n");
    expect(await l.exec("node1", "echo x > /proc/uptime")).toMatchObject({
      exitCode: 1,
      stderr: "bash: /proc/uptime: Permission denied\n",
    });
    expect(await out(l, "node1", "cat /proc/uptime")).toMatch(/^\d+\.\d\d \d+\.\d\d\n$/);
  });
});

describe("network commands", () => {
  it("ping measures the modelled RTT, netem delays it, a stopped peer is unreachable", async () => {
    const l = await lab();
    const fast = await out(l, "node1", "ping -c 3 node2");
    expect(fast).toMatch(
      /^PING node2 \(172\.28\.0\.12\) 56\(84\) bytes of data\.\n64 bytes from node2 \(172\.28\.0\.12\): icmp_seq=1 ttl=64 time=0\.\d{3} ms\n/,
    );
    expect(fast).toContain("3 packets transmitted, 3 received, 0% packet loss");
    await out(l, "node1", "tc qdisc add dev eth0 root netem delay 50ms");
    expect(await out(l, "node1", "ping -c 1 node2")).toMatch(/time=50\.\d ms/);
    await out(l, "host", "docker stop -t 0 drbd-node2");
    const r = await l.exec("node1", "ping -c 2 node2");
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("From 172.28.0.11 icmp_seq=1 Destination Host Unreachable");
    expect(r.stdout).toContain("2 packets transmitted, 0 received, +2 errors, 100% packet loss");
  });

  it("a ping of N packets takes about N-1 seconds of virtual time", async () => {
    const l = await lab();
    const r = await l.exec("node1", "ping -c 4 node2");
    expect(r.durationMs).toBeGreaterThan(3000);
    expect(r.durationMs).toBeLessThan(3100);
  });

  it("iptables rules show in -L and cut DRBD's port; bad rules are refused like iptables does", async () => {
    const l = await lab();
    await out(l, "node2", "iptables -A INPUT -s 172.28.0.11 -p tcp --dport 7788 -j DROP");
    expect(l.world.net.canReach("node1", "node2", 7788)).toBe(false);
    expect(l.world.net.canReach("node1", "node2")).toBe(true);
    expect(await out(l, "node2", "iptables -L INPUT -n")).toBe(
      "Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination         \nDROP       tcp  --  172.28.0.11          0.0.0.0/0            tcp dpt:7788\n",
    );
    expect((await l.exec("node2", "iptables -A INPUT -s 300.1.1.1 -j DROP")).stderr).toContain(
      "host/network `300.1.1.1' not found",
    );
    expect((await l.exec("node2", "iptables -D INPUT -s 172.28.0.99 -j DROP")).stderr).toBe(
      "iptables: Bad rule (does a matching rule exist in that chain?).\n",
    );
    expect((await l.exec("node2", "su postgres -c 'iptables -F'")).exitCode).toBe(4);
    await out(l, "node2", "iptables -F");
    expect(l.world.net.canReach("node1", "node2", 7788)).toBe(true);
  });

  it("tc refuses a second add and a del without a qdisc, with iproute2's messages", async () => {
    const l = await lab();
    await out(l, "node1", "tc qdisc add dev eth0 root netem delay 100ms 20ms loss 10%");
    expect(await out(l, "node1", "tc qdisc show dev eth0")).toBe(
      "qdisc netem 8001: dev eth0 root refcnt 2 limit 1000 delay 100ms  20ms loss 10%\n",
    );
    expect(l.world.net.netem("node1")).toEqual({ delayUs: 100_000, jitterUs: 20_000, loss: 0.1 });
    expect((await l.exec("node1", "tc qdisc add dev eth0 root netem delay 1ms")).stderr).toBe(
      "Error: Exclusivity flag on, cannot modify.\n",
    );
    await out(l, "node1", "tc qdisc del dev eth0 root");
    expect((await l.exec("node1", "tc qdisc del dev eth0 root")).stderr).toBe(
      "Error: Cannot delete qdisc with handle of zero.\n",
    );
    expect((await l.exec("node1", "tc qdisc add dev eth1 root netem delay 1ms")).stderr).toBe(
      'Cannot find device "eth1"\n',
    );
  });

  it("ip shows the node's address in iproute2's format", async () => {
    const l = await lab();
    const a = await out(l, "node2", "ip addr show");
    expect(a).toContain(
      "    link/ether 02:42:ac:1c:00:0c brd ff:ff:ff:ff:ff:ff link-netnsid 0\n    inet 172.28.0.12/16 brd 172.28.255.255 scope global eth0\n",
    );
    expect(await out(l, "node2", "ip -br a")).toBe(
      "lo               UNKNOWN        127.0.0.1/8 \neth0@if10        UP             172.28.0.12/16 \n",
    );
    expect(await out(l, "node2", "ip addr show eth0")).toMatch(/^9: eth0@if10: /);
    expect((await l.exec("node2", "ip addr show eth5")).stderr).toBe('Device "eth5" does not exist.\n');
    expect(await out(l, "node2", "ip route")).toBe(
      "default via 172.28.0.1 dev eth0 \n172.28.0.0/16 dev eth0 proto kernel scope link src 172.28.0.12 \n",
    );
  });
});

describe("Ctrl-C", () => {
  it("an aborted command ends with 130 and ^C", async () => {
    const l = await lab();
    const ac = new AbortController();
    ac.abort();
    const r = await l.exec("node1", "sleep 100", { signal: ac.signal });
    expect(r.exitCode).toBe(130);
    expect(r.stderr.endsWith("^C\n")).toBe(true);
  });
});

describe("nested shells and prompts", () => {
  it("bash alone opens a nested shell until exit; with input it runs it", async () => {
    const l = await lab();
    await out(l, "node1", "cd /etc");
    const r = await l.exec("node1", "bash");
    expect(r.session.prompt).toBe("root@node1:/etc# ");
    await out(l, "node1", "cd /tmp");
    expect((await l.exec("node1", "exit")).session.prompt).toBe("root@node1:/etc# ");
    expect(await out(l, "node1", "echo 'echo piped' | bash")).toBe("piped\n");
  });

  it("prompts follow the user, host and directory like Debian's default PS1", async () => {
    const l = await lab();
    expect(l.session("node1").prompt).toBe("root@node1:~# ");
    expect(l.state().terminals).toEqual({});
    expect((await l.exec("host", "cd ~/drbd-workshop")).session.prompt).toBe("student@docker-host:~/drbd-workshop$ ");
    expect((await l.exec("host", "docker exec -it drbd-node2 bash")).session.prompt).toBe("root@node2:/# ");
    expect((await l.exec("host", "su - postgres")).session.prompt).toBe("postgres@node2:~$ ");
  });
});

describe("watch and systemctl", () => {
  it("watch draws one screen with procps's header", async () => {
    const l = await lab();
    expect(await out(l, "node1", "watch -n1 cat /etc/hostname")).toBe(
      `Every 1.0s: cat /etc/hostname${" ".repeat(20)}node1: Mon Jan 15 14:30:00 2024\n\nnode1\n`,
    );
  });

  it("systemctl fails: PID 1 is not systemd in these containers", async () => {
    const l = await lab();
    const r = await l.exec("node1", "systemctl restart drbd");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n",
    );
  });
});

describe("permissions for non-root users", () => {
  it("postgres may not write root's files or directories, and gets the kernel's refusal", async () => {
    const l = await lab();
    expect(await l.exec("node1", 'su - postgres -c "touch /etc/x"')).toMatchObject({
      exitCode: 1,
      stderr: "touch: cannot touch '/etc/x': Permission denied\n",
    });
    expect(await l.exec("node1", 'su - postgres -c "mkdir /srv"')).toMatchObject({
      exitCode: 1,
      stderr: "mkdir: cannot create directory '/srv': Permission denied\n",
    });
    expect(await l.exec("node1", 'su - postgres -c "echo hi > /etc/hostname"')).toMatchObject({
      exitCode: 1,
      stderr: "bash: /etc/hostname: Permission denied\n",
    });
    expect(await l.exec("node1", 'su - postgres -c "rm /etc/hosts"')).toMatchObject({
      exitCode: 1,
      stderr: "rm: cannot remove '/etc/hosts': Permission denied\n",
    });
    expect(await l.exec("node1", 'su - postgres -c "chmod 777 /etc/hosts"')).toMatchObject({
      exitCode: 1,
      stderr: "chmod: changing permissions of '/etc/hosts': Operation not permitted\n",
    });
    expect(await out(l, "node1", "cat /etc/hostname")).toBe("node1\n");
  });

  it("postgres may not read root's home; it owns its own home and may use /tmp", async () => {
    const l = await lab();
    expect(await l.exec("node1", 'su - postgres -c "ls /root"')).toMatchObject({
      exitCode: 2,
      stderr: "ls: cannot open directory '/root': Permission denied\n",
    });
    expect(await l.exec("node1", 'su - postgres -c "cat /root/.bashrc"')).toMatchObject({
      exitCode: 1,
      stderr: "cat: /root/.bashrc: Permission denied\n",
    });
    expect(
      await out(l, "node1", 'su - postgres -c "mkdir -p ~/14/main && echo ok > /tmp/pg && cat /tmp/pg && ls -ld ~/14"'),
    ).toMatch(/^ok\ndrwxr-xr-x 3 postgres postgres 4096 /);
    expect(await out(l, "node1", "ls -ld /tmp")).toMatch(/^drwxrwxrwt /);
  });

  it("after chown, postgres may write where it could not before", async () => {
    const l = await lab();
    await out(l, "node1", "mkdir -p /data/pg");
    expect((await l.exec("node1", 'su - postgres -c "touch /data/pg/f"')).exitCode).toBe(1);
    await out(l, "node1", "chown postgres:postgres /data/pg");
    expect((await l.exec("node1", 'su - postgres -c "touch /data/pg/f"')).exitCode).toBe(0);
  });
});

describe("lines that never end", () => {
  it("an endless monitoring loop is killed by its work budget, never by virtual time alone", async () => {
    const l = await lab();
    await out(l, "node1", "cd /etc/drbd.d; KEEP=yes");
    const r = await l.exec("node1", "while true; do date +%T; sleep 3600; done");
    expect(r.session.cwd).toBe("/etc/drbd.d");
    expect(await out(l, "node1", "echo $KEEP")).toBe("yes\n");
    expect(r.exitCode).toBe(152);
    expect(r.stderr).toBe("CPU time limit exceeded\n");
    // far beyond ten virtual minutes: waiting earns work, the line ends on its cap
    expect(r.stdout.trim().split("\n").length).toBeGreaterThan(100);
    expect(r.durationMs).toBeGreaterThan(100 * 3600_000);
    expect(await out(l, "node1", "echo next")).toBe("next\n");
    // loops work again on the next line
    expect(await out(l, "node1", "n=0; for i in $(seq 1 50); do n=$((n+1)); done; echo $n")).toBe("50\n");
  }, 120_000);

  it("a loop that ends by itself within the budget is untouched", async () => {
    const l = await lab();
    expect(await out(l, "node1", "for i in 1 2 3; do sleep 60; done; echo done")).toBe("done\n");
  });
});

describe("file modes", () => {
  it("keeps an executable script executable when `>` rewrites it, and runs it", async () => {
    const l = await lab();
    await out(l, "node1", "printf '#!/bin/bash\\necho v1\\n' > /root/s.sh; chmod 750 /root/s.sh");
    await out(l, "node1", "printf '#!/bin/bash\\necho v2\\n' > /root/s.sh");
    expect(await out(l, "node1", "ls -l /root/s.sh")).toMatch(/^-rwxr-x--- 1 root root /);
    expect(await out(l, "node1", "/root/s.sh")).toBe("v2\n");
    // a new file still gets the umask's 644
    await out(l, "node1", "echo x > /root/new.txt");
    expect(await out(l, "node1", "ls -l /root/new.txt")).toMatch(/^-rw-r--r-- /);
  });
});
