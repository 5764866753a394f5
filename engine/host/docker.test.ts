import { describe, expect, it } from "vitest";
import { createLab } from "../lab";
import { lab, out } from "../tests/helpers";

describe("docker-compose", () => {
  it("refuses to run outside the workshop directory", async () => {
    const l = await createLab({ scenario: "fresh" });
    const r = await l.exec("host", "docker-compose up -d");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("Can't find a suitable configuration file in this directory or any");
    expect((await l.exec("host", "docker compose ps")).stderr).toBe("no configuration file provided: not found\n");
  });

  it("creates the network and containers once, then says they are up to date", async () => {
    const l = await createLab({ scenario: "fresh" });
    const first = await l.exec("host", "cd ~/drbd-workshop && docker-compose up -d");
    expect(first.stderr).toBe(
      'Creating network "drbd-workshop_drbd_net" with driver "bridge"\nCreating drbd-node1 ... done\nCreating drbd-node2 ... done\n',
    );
    const again = await l.exec("host", "docker-compose up -d");
    expect(again.stderr).toBe("drbd-node1 is up-to-date\ndrbd-node2 is up-to-date\n");
    expect(await out(l, "host", "docker-compose ps")).toMatch(/^drbd-node1 +\/entrypoint\.sh sleep infinity +Up$/m);
  });

  it("down removes containers, which lose their writable layer", async () => {
    const l = await lab("running");
    await out(l, "node1", "echo keep > /root/note");
    const r = await l.exec("host", "cd ~/drbd-workshop && docker-compose down");
    expect(r.stderr).toContain("Removing drbd-node1 ... done");
    expect(r.stderr).toContain("Removing network drbd-workshop_drbd_net");
    expect(await out(l, "host", "docker ps -a")).toBe(
      "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n",
    );
    await out(l, "host", "cd ~/drbd-workshop && docker compose up -d");
    expect((await l.exec("node1", "cat /root/note")).stderr).toBe("cat: /root/note: No such file or directory\n");
  });

  it("v2 syntax prints v2 output", async () => {
    const l = await createLab({ scenario: "fresh" });
    const r = await l.exec("host", "cd ~/drbd-workshop && docker compose up -d");
    expect(r.stderr).toMatch(/^\[\+\] Running 3\/3\n ✔ Network drbd-workshop_drbd_net {2}Created/);
    expect(await out(l, "host", "docker compose ps")).toMatch(
      /^NAME +IMAGE +COMMAND +SERVICE +CREATED +STATUS +PORTS\ndrbd-node1 +drbd-workshop-node1 /,
    );
  });
});

describe("docker", () => {
  it("lists containers with seeded ids and virtual-time statuses", async () => {
    const l = await lab("running", 5);
    await l.advance(180_000);
    const ps = await out(l, "host", "docker ps");
    expect(ps.split("\n")[0]).toBe(
      "CONTAINER ID   IMAGE                 COMMAND                  CREATED         STATUS         PORTS     NAMES",
    );
    expect(ps).toMatch(
      /^[0-9a-f]{12} {3}drbd-workshop_node1 {3}"\/entrypoint\.sh slee…" {3}3 minutes ago {3}Up 3 minutes {13}drbd-node1$/m,
    );
    const other = await lab("running", 6);
    expect(await out(other, "host", "docker ps -q")).not.toBe(await out(l, "host", "docker ps -q"));
  });

  it("stop --time=0 kills (137), plain stop is graceful (0), start brings it back", async () => {
    const l = await lab("running");
    expect(await out(l, "host", "docker stop drbd-node1 --time=0")).toBe("drbd-node1\n");
    await l.advance(5000);
    expect(await out(l, "host", "docker ps -a")).toMatch(/Exited \(137\) 5 seconds ago +drbd-node1/);
    await out(l, "host", "docker stop -t 10 drbd-node2");
    expect(await out(l, "host", "docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' drbd-node2")).toBe(
      "exited 0\n",
    );
    await out(l, "host", "docker start drbd-node1");
    expect(await out(l, "host", "docker inspect -f '{{.State.Status}}' drbd-node1")).toBe("running\n");
    expect(l.world.node("node1")?.bootCount).toBe(2);
  });

  it("answers like the daemon for missing or stopped containers and bad flags", async () => {
    const l = await lab("running");
    const missing = await l.exec("host", "docker stop drbd-node9");
    expect(missing).toMatchObject({
      exitCode: 1,
      stderr: "Error response from daemon: No such container: drbd-node9\n",
    });
    await out(l, "host", "docker kill drbd-node2");
    const id = l.world.node("node2")?.containerId;
    const stopped = await l.exec("host", "docker exec drbd-node2 ls");
    expect(stopped).toMatchObject({
      exitCode: 1,
      stderr: `Error response from daemon: container ${id} is not running\n`,
    });
    const badTime = await l.exec("host", "docker stop --time=soon drbd-node1");
    expect(badTime.exitCode).toBe(1);
    expect(badTime.stderr).toContain('invalid argument "soon" for "-t, --time" flag');
    expect((await l.exec("host", "docker frobnicate")).stderr).toBe(
      "docker: 'frobnicate' is not a docker command.\nSee 'docker --help'\n",
    );
  });

  it("exec runs a command on the node; exec -it bash opens a terminal there until exit", async () => {
    const l = await lab("running");
    expect(await out(l, "host", "docker exec drbd-node2 uname -n")).toBe("node2\n");
    const nf = await l.exec("host", "docker exec drbd-node2 nosuchcmd");
    expect(nf.exitCode).toBe(127);
    expect(nf.stderr).toContain('exec: "nosuchcmd": executable file not found in $PATH');
    const enter = await l.exec("host", "docker exec -it drbd-node1 bash");
    expect(enter.session).toMatchObject({ machine: "node1", user: "root", cwd: "/" });
    expect(await out(l, "host", "hostname")).toBe("node1\n");
    const exit = await l.exec("host", "exit");
    expect(exit.session.machine).toBe("host");
    expect(await out(l, "host", "hostname")).toBe("docker-host\n");
    expect(await out(l, "host", "cat /etc/hostname")).toBe("docker-host\n");
  });

  it("a node terminal starts a fresh shell after its container restarts", async () => {
    const l = await lab("running");
    await out(l, "node1", "cd /etc; V=1");
    await out(l, "host", "docker restart drbd-node1");
    expect(await out(l, "node1", "pwd; echo ${V:-unset}")).toBe("/root\nunset\n");
  });

  it("a container restart ends the docker exec session inside it", async () => {
    const l = await lab("running");
    await out(l, "host", "docker exec -it drbd-node1 bash");
    await out(l, "host#t2", "docker restart drbd-node1");
    const r = await l.exec("host", "hostname");
    expect(r.stdout).toBe("docker-host\n");
  });

  it("commands that only exist on nodes are not found on the host", async () => {
    const l = await lab("running");
    const r = await l.exec("host", "ip addr");
    expect(r).toMatchObject({ exitCode: 127, stderr: "bash: ip: command not found\n" });
  });
});

describe("docker network and ps formats", () => {
  it("disconnecting a node from the bridge isolates it until it is connected again", async () => {
    const l = await lab("running");
    expect(await out(l, "host", "docker network ls")).toMatch(
      /^[0-9a-f]{12} {3}drbd-workshop_drbd_net {3}bridge {4}local$/m,
    );
    await out(l, "host", "docker network disconnect drbd-workshop_drbd_net drbd-node2");
    expect(l.world.net.canReach("node1", "node2", 7788)).toBe(false);
    expect(await out(l, "node2", "ip a")).not.toContain("eth0");
    const again = await l.exec("host", "docker network disconnect drbd-workshop_drbd_net drbd-node2");
    expect(again.stderr).toMatch(
      /^Error response from daemon: container [0-9a-f]{64} is not connected to network drbd-workshop_drbd_net\n$/,
    );
    expect((await l.exec("host", "docker network disconnect nonet drbd-node2")).stderr).toBe(
      "Error response from daemon: network nonet not found\n",
    );
    await out(l, "host", "docker network connect drbd-workshop_drbd_net drbd-node2");
    expect(l.world.net.canReach("node1", "node2", 7788)).toBe(true);
  });

  it("ps --format and --filter", async () => {
    const l = await lab("running");
    await out(l, "host", "docker stop -t 0 drbd-node2");
    expect(await out(l, "host", "docker ps -a --format '{{.Names}} {{.State}}'")).toBe(
      "drbd-node2 exited\ndrbd-node1 running\n",
    );
    expect(await out(l, "host", 'docker ps -a --format "table {{.Names}}\\t{{.State}}"')).toBe(
      "NAMES        STATE\ndrbd-node2   exited\ndrbd-node1   running\n",
    );
    expect(await out(l, "host", "docker ps -a -q -f status=exited")).toBe(
      `${l.world.node("node2")?.containerId.slice(0, 12)}\n`,
    );
  });
});

describe("docker-compose service life-cycle", () => {
  it("stop, start and restart one service or all, with v1's wording", async () => {
    const l = await lab("running");
    await out(l, "host", "cd ~/drbd-workshop");
    expect((await l.exec("host", "docker-compose stop node2")).stderr).toBe("Stopping drbd-node2 ... done\n");
    expect(l.world.node("node2")?.state).toBe("exited");
    expect(await out(l, "host", "docker-compose ps")).toMatch(/^drbd-node2 +\/entrypoint\.sh sleep infinity +Exit 0$/m);
    expect((await l.exec("host", "docker-compose start")).stderr).toBe("Starting node2 ... done\n");
    expect((await l.exec("host", "docker-compose restart node1")).stderr).toBe("Restarting drbd-node1 ... done\n");
    expect(l.world.node("node1")?.bootCount).toBe(2);
    expect((await l.exec("host", "docker-compose stop node9")).stderr).toBe("ERROR: No such service: node9\n");
    expect((await l.exec("host", "docker compose stop")).stderr).toMatch(
      /^\[\+\] Running 2\/2\n ✔ Container drbd-node1 +Stopped/,
    );
  });
});
