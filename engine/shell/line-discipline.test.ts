import { describe, expect, it } from "vitest";
import { createLab } from "../index";

/** What a terminal carries between command lines, as interactive bash does (issue 11 item 2). */
describe("a terminal between command lines", () => {
  it("carries $? from one line to the next, and resets it after a success", async () => {
    const lab = await createLab({ scenario: "running" });
    expect((await lab.exec("node1", "false")).exitCode).toBe(1);
    expect((await lab.exec("node1", "echo $?")).stdout).toBe("1\n");
    expect((await lab.exec("node1", "echo $?")).stdout).toBe("0\n");
    await lab.exec("host", "ls /nulle-part");
    expect((await lab.exec("host", "echo $?")).stdout).toBe("2\n");
    // each terminal has its own
    expect((await lab.exec("node2", "echo $?")).stdout).toBe("0\n");
  });

  it("runs a here-document typed over several lines as one command", async () => {
    const lab = await createLab({ scenario: "running" });
    const r = await lab.exec("node1", "cat > /root/pg.conf << EOF\nlisten_addresses = '*'\nport = 5432\nEOF");
    expect(r.exitCode).toBe(0);
    expect((await lab.exec("node1", "cat /root/pg.conf")).stdout).toBe("listen_addresses = '*'\nport = 5432\n");
    const q = await lab.exec("node1", 'echo "ligne1\nligne2"');
    expect(q.stdout).toBe("ligne1\nligne2\n");
  });

  it("gives the host tab back where it was after exit from docker exec", async () => {
    const lab = await createLab({ scenario: "running" });
    await lab.exec("host", "cd drbd-workshop");
    expect((await lab.exec("host", "docker exec -it drbd-node1 bash")).session.machine).toBe("node1");
    expect((await lab.exec("host", "pwd")).stdout).toBe("/\n");
    const out = await lab.exec("host", "exit");
    expect(out.session).toMatchObject({ machine: "host", cwd: "/home/student/drbd-workshop" });
    expect((await lab.exec("host", "pwd")).stdout).toBe("/home/student/drbd-workshop\n");
    expect((await lab.exec("host", "docker-compose ps")).exitCode).toBe(0);
  });

  it("lets the student write in their home and /tmp on the host, not in /", async () => {
    const lab = await createLab({ scenario: "running" });
    const w = await lab.exec(
      "host",
      "echo a > /tmp/x && echo b > ~/y && mkdir ~/drbd-workshop/notes && cat /tmp/x ~/y",
    );
    expect(w).toMatchObject({ exitCode: 0, stdout: "a\nb\n", stderr: "" });
    const ls = (await lab.exec("host", "ls -ld /tmp ~")).stdout;
    expect(ls).toMatch(/^drwxrwxrwt\s.*\s\/tmp$/m);
    expect(ls).toMatch(/^drwx\S+\s+\d+\s+student\s+student\s.*\s\/home\/student$/m);
    const denied = await lab.exec("host", "mkdir /srv");
    expect(denied.exitCode).not.toBe(0);
    expect(denied.stderr).toContain("Permission denied");
  });
});
