/**
 * The `docker` CLI on the Docker host, for the lab's containers: ps, start, stop (`--time=0`
 * kills, as the workshop uses it to simulate a crash), restart, kill, exec (`-it NAME bash`
 * opens a shell on the node), logs, inspect. Messages and formats are Docker 24's.
 */
import { US_PER_MS } from "../core/clock";
import { strftime } from "../shell/commands/time";
import { fail, labWorld, ok } from "../shell/commands/util";
import type { Node } from "../world/node";
import type { CommandContext, CommandSpec, ExecResult } from "../world/types";
import type { LabWorld } from "../world/world";
import { composeCommandV2 } from "./compose";
import { dockerNetwork } from "./docker-network";
import { containerStatus, ellipsis, humanDuration, shellQuote, tabwrite } from "./format";
import { COMPOSE_PROJECT, ENTRYPOINT } from "./workshop-tree";

/** Simulated time a container start / graceful stop takes. */
export const START_US = 350 * US_PER_MS;
export const STOP_US = 600 * US_PER_MS;

const noSuch = (name: string) => `Error response from daemon: No such container: ${name}`;

export function findContainer(world: LabWorld, ref: string): Node | undefined {
  for (const n of world.nodes.values()) {
    if (!n.exists) continue;
    if (n.container === ref || n.container === ref.replace(/^\//, "")) return n;
    if (ref.length >= 1 && /^[0-9a-f]+$/.test(ref) && n.containerId.startsWith(ref)) return n;
  }
  return undefined;
}

export function imageName(node: Node, v2 = false): string {
  return `${COMPOSE_PROJECT}${v2 ? "-" : "_"}${node.name}`;
}

const PS_HEADERS: Record<string, string> = {
  ID: "CONTAINER ID",
  Image: "IMAGE",
  Command: "COMMAND",
  CreatedAt: "CREATED AT",
  RunningFor: "CREATED",
  Ports: "PORTS",
  State: "STATE",
  Status: "STATUS",
  Names: "NAMES",
  Networks: "NETWORKS",
};

function ps(world: LabWorld, args: string[]): ExecResult {
  let all = false;
  let quiet = false;
  let format: string | undefined;
  const filters: [string, string][] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "-a" || a === "--all") all = true;
    else if (a === "-q" || a === "--quiet") quiet = true;
    else if (a === "-aq" || a === "-qa") all = quiet = true;
    else if (a === "--format" || a.startsWith("--format=")) format = a === "--format" ? args[++i] : a.slice(9);
    else if (a === "-f" || a === "--filter" || a.startsWith("--filter=")) {
      const f = a.startsWith("--filter=") ? a.slice(9) : (args[++i] ?? "");
      const eq = f.indexOf("=");
      if (eq < 0)
        return fail(
          `invalid argument "${f}" for "-f, --filter" flag: bad format of filter (expected name=value)\nSee 'docker ps --help'.`,
          125,
        );
      filters.push([f.slice(0, eq), f.slice(eq + 1)]);
    } else if (a === "--no-trunc") continue;
    else if (a.startsWith("-"))
      return fail(`unknown shorthand flag: '${a.slice(1, 2)}' in ${a}\nSee 'docker ps --help'.`, 125);
  }
  const now = world.clock.now;
  const status = (n: Node) => (n.state === "running" ? "running" : n.state === "exited" ? "exited" : "created");
  // Newest first, as the daemon lists them.
  const nodes = [...world.nodes.values()]
    .filter((n) => n.exists && (all || n.state === "running" || filters.some(([k]) => k === "status")))
    .filter((n) =>
      filters.every(([k, v]) =>
        k === "name"
          ? n.container.includes(v)
          : k === "status"
            ? status(n) === v
            : k === "id"
              ? n.containerId.startsWith(v)
              : true,
      ),
    )
    .sort((a, b) => b.createdAtUs - a.createdAtUs || b.name.localeCompare(a.name));
  if (quiet) return ok(nodes.map((n) => `${n.containerId.slice(0, 12)}\n`).join(""));
  const fields = (n: Node): Record<string, string> => ({
    ID: n.containerId.slice(0, 12),
    Image: imageName(n),
    Command: JSON.stringify(ellipsis(ENTRYPOINT, 20)),
    CreatedAt: `${strftime("%Y-%m-%d %H:%M:%S", world.wallMsAt(n.createdAtUs))} +0000 UTC`,
    RunningFor: `${humanDuration(now - n.createdAtUs)} ago`,
    Ports: "",
    State: status(n),
    Status: containerStatus(n, now),
    Names: n.container,
    Networks: world.net.isAttached(n.name) ? `${COMPOSE_PROJECT}_${world.topology.network}` : "",
  });
  if (format !== undefined) {
    const table = format.startsWith("table");
    const tpl = table ? format.replace(/^table\s*/, "") : format;
    const render = (f: Record<string, string>) =>
      tpl.replace(/\\t/g, "\t").replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_m, k: string) => f[k] ?? "<no value>");
    if (!table) return ok(nodes.map((n) => `${render(fields(n))}\n`).join(""));
    const rows = [render(PS_HEADERS).split("\t"), ...nodes.map((n) => render(fields(n)).split("\t"))];
    return ok(tabwrite(rows));
  }
  const rows = [["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]];
  for (const n of nodes) {
    const f = fields(n);
    rows.push([
      f.ID as string,
      f.Image as string,
      f.Command as string,
      f.RunningFor as string,
      f.Status as string,
      "",
      n.container,
    ]);
  }
  return ok(tabwrite(rows));
}

/** Parse `docker stop`'s flags wherever they appear; returns names and the timeout. */
function parseStop(args: string[]): { names: string[]; time?: number } | string {
  const names: string[] = [];
  let time: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    let v: string | undefined;
    if (a === "-t" || a === "--time") v = args[++i];
    else if (a.startsWith("--time=")) v = a.slice(7);
    else if (a.startsWith("-t") && a.length > 2) v = a.slice(2);
    else if (a.startsWith("-")) return `unknown flag: ${a}\nSee 'docker stop --help'.`;
    else {
      names.push(a);
      continue;
    }
    if (v === undefined || !/^-?\d+$/.test(v))
      return `invalid argument "${v ?? ""}" for "-t, --time" flag: strconv.ParseInt: parsing "${v ?? ""}": invalid syntax\nSee 'docker stop --help'.`;
    time = Number(v);
  }
  return time === undefined ? { names } : { names, time };
}

function eachContainer(
  world: LabWorld,
  names: string[],
  cmd: string,
  act: (n: Node) => string | undefined,
): ExecResult {
  if (names.length === 0)
    return fail(
      `"docker ${cmd}" requires at least 1 argument.\nSee 'docker ${cmd} --help'.\n\nUsage:  docker ${cmd} [OPTIONS] CONTAINER [CONTAINER...]`,
    );
  let out = "";
  let err = "";
  for (const name of names) {
    const n = findContainer(world, name);
    if (!n) {
      err += `${noSuch(name)}\n`;
      continue;
    }
    const e = act(n);
    if (e) err += `${e}\n`;
    else out += `${name}\n`;
  }
  return { stdout: out, stderr: err, exitCode: err ? 1 : 0 };
}

export function stopContainer(world: LabWorld, n: Node, timeS?: number): void {
  if (n.state !== "running") return;
  if (timeS === 0) world.crash(n, 137);
  else {
    world.shutdown(n);
    world.clock.advanceBy(STOP_US);
  }
}

export function startContainer(world: LabWorld, n: Node): void {
  if (n.state === "running") return;
  world.clock.advanceBy(START_US);
  world.start(n);
}

async function exec(ctx: CommandContext, world: LabWorld, args: string[]): Promise<ExecResult> {
  let interactive = false;
  let tty = false;
  let user = "root";
  let workdir: string | undefined;
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith("-")) break;
    if (/^-[itd]+$/.test(a)) {
      if (a.includes("i")) interactive = true;
      if (a.includes("t")) tty = true;
    } else if (a === "--interactive") interactive = true;
    else if (a === "--tty") tty = true;
    else if (a === "-u" || a === "--user") user = args[++i] ?? "root";
    else if (a.startsWith("--user=")) user = a.slice(7);
    else if (a === "-w" || a === "--workdir") workdir = args[++i];
    else if (a.startsWith("--workdir=")) workdir = a.slice(10);
    else if (a === "-e" || a === "--env") {
      const kv = args[++i] ?? "";
      const eq = kv.indexOf("=");
      if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else return fail(`unknown shorthand flag: '${a.slice(1, 2)}' in ${a}\nSee 'docker exec --help'.`, 125);
  }
  const name = args[i];
  const cmd = args.slice(i + 1);
  if (name === undefined || cmd.length === 0)
    return fail(
      `"docker exec" requires at least 2 arguments.\nSee 'docker exec --help'.\n\nUsage:  docker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\nExecute a command in a running container`,
    );
  const n = findContainer(world, name);
  if (!n) return fail(noSuch(name));
  if (n.state !== "running") return fail(`Error response from daemon: container ${n.containerId} is not running`);
  const machine = world.machine(n.name);
  const shells = new Set(["bash", "sh", "/bin/bash", "/bin/sh", "/usr/bin/bash"]);
  if (interactive && tty && cmd.length === 1 && shells.has(cmd[0] as string)) {
    ctx.session?.request({ kind: "enter", machine: n.name, user });
    return ok();
  }
  const session = machine.newSession(user, workdir ?? "/");
  session.env = { ...session.env, ...env };
  const r = await machine.run(shellQuote(cmd), session, interactive ? { stdin: ctx.stdin } : {});
  // `docker exec -it drbd-node1 psql`: psql's prompt takes the host's terminal
  if (interactive && tty && r.request?.kind === "repl") ctx.session?.request({ ...r.request, machine: n.name });
  const notFound = new RegExp(
    `^bash: ${(cmd[0] as string).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: command not found\\n$`,
  );
  if (r.exitCode === 127 && notFound.test(r.stderr))
    return fail(
      `OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd[0]}": executable file not found in $PATH: unknown`,
      127,
    );
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

function inspect(world: LabWorld, args: string[]): ExecResult {
  let format: string | undefined;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "-f" || a === "--format") format = args[++i];
    else if (a.startsWith("--format=")) format = a.slice(9);
    else names.push(a);
  }
  let out = "";
  let err = "";
  const objs: unknown[] = [];
  for (const name of names) {
    const n = findContainer(world, name);
    if (!n) {
      err += `Error: No such object: ${name}\n`;
      continue;
    }
    const net = `${COMPOSE_PROJECT}_${world.topology.network}`;
    const state = {
      Status: n.state,
      Running: n.state === "running",
      ExitCode: n.exitCode,
      Pid: n.state === "running" ? 4000 + n.bootCount * 100 + Number(n.ip.split(".")[3]) : 0,
    };
    if (format !== undefined) {
      const fields: Record<string, string> = {
        ".State.Status": state.Status,
        ".State.Running": String(state.Running),
        ".State.ExitCode": String(state.ExitCode),
        ".State.Pid": String(state.Pid),
        ".Name": `/${n.container}`,
        ".Id": n.containerId,
        ".Config.Hostname": n.name,
        ".Config.Image": imageName(n),
        ".RestartCount": "0",
      };
      const line = format
        .replace(
          /\{\{\s*range \.NetworkSettings\.Networks\s*\}\}\{\{\s*\.IPAddress\s*\}\}\{\{\s*end\s*\}\}/g,
          n.state === "running" ? n.ip : "",
        )
        .replace(/\{\{\s*json \.State\s*\}\}/g, JSON.stringify(state))
        .replace(
          /\{\{\s*(\.[A-Za-z.]+)\s*\}\}/g,
          (m, f: string) => fields[f] ?? (f.startsWith(".NetworkSettings.Networks") ? m : "<no value>"),
        );
      if (/\{\{/.test(line)) {
        err += `Template parsing error: template: :1: unexpected "{" in command\n`;
        continue;
      }
      out += `${line}\n`;
    } else {
      objs.push({
        Id: n.containerId,
        Created: new Date(world.wallMsAt(n.createdAtUs)).toISOString(),
        Path: "/entrypoint.sh",
        Args: ["sleep", "infinity"],
        State: state,
        Name: `/${n.container}`,
        Config: { Hostname: n.name, Image: imageName(n) },
        HostConfig: { Privileged: true },
        NetworkSettings: {
          Networks: {
            [net]: {
              IPAddress: n.state === "running" ? n.ip : "",
              Gateway: n.state === "running" ? world.topology.gateway : "",
            },
          },
        },
      });
    }
  }
  if (format === undefined) out = `${JSON.stringify(objs, null, 4)}\n`;
  return { stdout: out, stderr: err, exitCode: err ? 1 : 0 };
}

function logs(world: LabWorld, args: string[]): ExecResult {
  const name = args.find((a) => !a.startsWith("-"));
  if (!name)
    return fail(
      `"docker logs" requires exactly 1 argument.\nSee 'docker logs --help'.\n\nUsage:  docker logs [OPTIONS] CONTAINER\n\nFetch the logs of a container`,
    );
  const n = findContainer(world, name);
  if (!n) return fail(noSuch(name));
  return ok(n.logs.join(""));
}

export const dockerCommand: CommandSpec = {
  name: "docker",
  where: "host",
  async run(ctx) {
    const world = labWorld(ctx);
    const [sub, ...rest] = ctx.args;
    switch (sub) {
      case undefined:
        return ok("\nUsage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n");
      case "ps":
        return ps(world, rest);
      case "container":
        if (rest[0] === "ls") return ps(world, rest.slice(1));
        break;
      case "stop": {
        const p = parseStop(rest);
        if (typeof p === "string") return fail(p);
        return eachContainer(world, p.names, "stop", (n) => void stopContainer(world, n, p.time));
      }
      case "start":
        return eachContainer(
          world,
          rest.filter((a) => !a.startsWith("-")),
          "start",
          (n) => void startContainer(world, n),
        );
      case "restart": {
        const p = parseStop(rest);
        if (typeof p === "string") return fail(p.replace("docker stop", "docker restart"));
        return eachContainer(world, p.names, "restart", (n) => {
          stopContainer(world, n, p.time);
          startContainer(world, n);
          return undefined;
        });
      }
      case "kill":
        return eachContainer(
          world,
          rest.filter((a) => !a.startsWith("-")),
          "kill",
          (n) => {
            if (n.state !== "running")
              return `Error response from daemon: cannot kill container: ${n.container}: container ${n.containerId} is not running`;
            world.crash(n, 137);
            return undefined;
          },
        );
      case "exec":
        return exec(ctx, world, rest);
      case "inspect":
        return inspect(world, rest);
      case "logs":
        return logs(world, rest);
      case "compose":
        return composeCommandV2(ctx, rest);
      case "network":
        return dockerNetwork(world, rest);
    }
    return fail(`docker: '${sub}' is not a docker command.\nSee 'docker --help'`);
  },
};
