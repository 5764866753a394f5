/**
 * Docker Compose for the workshop's project: `docker-compose` (v1, as the workshop types it)
 * and `docker compose` (v2 plugin), with their own output styles. Only works from the
 * directory holding docker-compose.yaml (or below it), like the real tool.
 */
import { fail, labWorld, ok } from "../shell/commands/util";
import type { Node } from "../world/node";
import type { CommandContext, CommandSpec, ExecResult } from "../world/types";
import type { LabWorld } from "../world/world";
import { imageName, startContainer, stopContainer } from "./docker";
import { containerStatus, ellipsis, humanDuration, tabwrite } from "./format";
import { ENTRYPOINT } from "./workshop-tree";

const COMPOSE_FILES = ["docker-compose.yaml", "docker-compose.yml", "compose.yaml", "compose.yml"];

/** Directory holding a compose file: cwd or one of its parents. */
async function findProject(ctx: CommandContext): Promise<string | undefined> {
  let dir = ctx.cwd;
  for (;;) {
    for (const f of COMPOSE_FILES) if (await ctx.fs.exists(`${dir === "/" ? "" : dir}/${f}`)) return dir;
    if (dir === "/") return undefined;
    dir = dir.slice(0, dir.lastIndexOf("/")) || "/";
  }
}

function services(world: LabWorld, names: string[]): Node[] | string {
  if (names.length === 0) return [...world.nodes.values()];
  const out: Node[] = [];
  for (const s of names) {
    const n = world.node(s);
    if (!n) return s;
    out.push(n);
  }
  return out;
}

interface Style {
  v2: boolean;
  project: string;
}

function networkName(world: LabWorld, st: Style): string {
  return `${st.project}_${world.topology.network}`;
}

function up(world: LabWorld, nodes: Node[], st: Style): Promise<ExecResult> | ExecResult {
  const lines: string[] = [];
  const v2: [string, string][] = [];
  if (!world.composeNetworkUp) {
    world.composeNetworkUp = true;
    if (st.v2) v2.push([`Network ${networkName(world, st)}`, "Created"]);
    else lines.push(`Creating network "${networkName(world, st)}" with driver "bridge"`);
  }
  return (async () => {
    for (const n of nodes) {
      if (!n.exists) {
        await world.createContainer(n);
        startContainer(world, n);
        if (st.v2) v2.push([`Container ${n.container}`, "Started"]);
        else lines.push(`Creating ${n.container} ... done`);
      } else if (n.state !== "running") {
        startContainer(world, n);
        if (st.v2) v2.push([`Container ${n.container}`, "Started"]);
        else lines.push(`Starting ${n.container} ... done`);
      } else if (st.v2) v2.push([`Container ${n.container}`, "Running"]);
      else lines.push(`${n.container} is up-to-date`);
    }
    return { stdout: "", stderr: st.v2 ? v2Progress(v2) : lines.map((l) => `${l}\n`).join(""), exitCode: 0 };
  })();
}

/** Compose v2's final progress display (what remains on screen once it is done). */
function v2Progress(items: [string, string][]): string {
  const width = Math.max(...items.map(([what]) => what.length));
  const timeFor = (state: string) => (state === "Running" ? "0.0s" : state === "Created" ? "0.1s" : "0.4s");
  const body = items
    .map(([what, state]) => ` \u2714 ${what.padEnd(width)}  ${state.padEnd(8)}${timeFor(state).padStart(6)} \n`)
    .join("");
  return `[+] Running ${items.length}/${items.length}\n${body}`;
}

/** Compose v1 `ps`: a texttable with centered headers. */
function psV1(nodes: Node[]): string {
  const rows = nodes
    .filter((n) => n.exists)
    .map((n) => [
      n.container,
      ellipsis(ENTRYPOINT, 30).replace(/…$/, " ..."),
      n.state === "running" ? "Up" : n.state === "exited" ? `Exit ${n.exitCode}` : "Created",
      "",
    ]);
  const head = ["Name", "Command", "State", "Ports"];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const center = (s: string, n: number) => {
    const left = Math.floor((n - s.length) / 2);
    return " ".repeat(left) + s + " ".repeat(n - s.length - left);
  };
  const fmt = (r: string[], c: (s: string, n: number) => string) =>
    `${r
      .map((s, i) => c(s, w[i] as number))
      .join("   ")
      .trimEnd()}\n`;
  const total = w.reduce((a, b) => a + b, 0) + 3 * (w.length - 1);
  return `${fmt(head, center)}${"-".repeat(total)}\n${rows.map((r) => fmt(r, (s, n) => s.padEnd(n))).join("")}`;
}

function psV2(world: LabWorld, nodes: Node[], all: boolean): string {
  const now = world.clock.now;
  const rows = [["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"]];
  for (const n of nodes) {
    if (!n.exists || (!all && n.state !== "running")) continue;
    rows.push([
      n.container,
      imageName(n, true),
      JSON.stringify(ellipsis(ENTRYPOINT, 20)),
      n.name,
      `${humanDuration(now - n.createdAtUs)} ago`,
      containerStatus(n, now),
      "",
    ]);
  }
  return tabwrite(rows);
}

async function down(world: LabWorld, st: Style): Promise<ExecResult> {
  const nodes = [...world.nodes.values()].filter((n) => n.exists).reverse();
  const lines: string[] = [];
  const v2: [string, string][] = [];
  for (const n of nodes) {
    if (n.state === "running") {
      stopContainer(world, n);
      if (!st.v2) lines.push(`Stopping ${n.container} ... done`);
    }
  }
  for (const n of nodes) {
    await world.removeContainer(n);
    if (st.v2) v2.push([`Container ${n.container}`, "Removed"]);
    else lines.push(`Removing ${n.container} ... done`);
  }
  if (world.composeNetworkUp) {
    world.composeNetworkUp = false;
    if (st.v2) v2.push([`Network ${networkName(world, st)}`, "Removed"]);
    else lines.push(`Removing network ${networkName(world, st)}`);
  }
  return {
    stdout: "",
    stderr: st.v2 ? (v2.length ? v2Progress(v2) : "") : lines.map((l) => `${l}\n`).join(""),
    exitCode: 0,
  };
}

function lifecycle(world: LabWorld, nodes: Node[], verb: "stop" | "start" | "restart", st: Style): ExecResult {
  const lines: string[] = [];
  const v2: [string, string][] = [];
  const label = { stop: ["Stopping", "Stopped"], start: ["Starting", "Started"], restart: ["Restarting", "Started"] }[
    verb
  ];
  for (const n of nodes) {
    if (!n.exists) continue;
    if (verb === "start" && n.state === "running") continue;
    if (verb === "stop" && n.state !== "running") continue;
    if (verb !== "start") stopContainer(world, n);
    if (verb !== "stop") startContainer(world, n);
    if (st.v2) v2.push([`Container ${n.container}`, label[1] as string]);
    // v1 names services when starting, containers when stopping or restarting
    else lines.push(`${label[0]} ${verb === "start" ? n.name : n.container} ... done`);
  }
  if (verb === "start" && lines.length === 0 && !st.v2 && nodes.some((n) => !n.exists))
    return fail("ERROR: No containers to start");
  return {
    stdout: "",
    stderr: st.v2 ? (v2.length ? v2Progress(v2) : "") : lines.map((l) => `${l}\n`).join(""),
    exitCode: 0,
  };
}

async function compose(ctx: CommandContext, args: string[], v2: boolean): Promise<ExecResult> {
  const world = labWorld(ctx);
  const dir = await findProject(ctx);
  if (!dir) {
    return v2
      ? fail("no configuration file provided: not found", 1)
      : fail(
          "ERROR: \n        Can't find a suitable configuration file in this directory or any\n        parent. Are you in the right directory?\n\n        Supported filenames: docker-compose.yml, docker-compose.yaml, compose.yml, compose.yaml\n        ",
        );
  }
  const st: Style = { v2, project: dir.slice(dir.lastIndexOf("/") + 1) };
  const [sub, ...rest] = args.filter((a) => a !== "--no-ansi");
  const flags = rest.filter((a) => a.startsWith("-"));
  const names = rest.filter((a) => !a.startsWith("-"));
  const sel = services(world, names);
  if (typeof sel === "string") return v2 ? fail(`no such service: ${sel}`) : fail(`ERROR: No such service: ${sel}`);
  switch (sub) {
    case "up":
      if (!flags.includes("-d") && !flags.includes("--detach"))
        return fail(
          v2
            ? "attached mode is not available in this lab: use docker compose up -d"
            : "ERROR: attached mode is not available in this lab: use docker-compose up -d",
        );
      return up(world, sel, st);
    case "ps":
      return ok(v2 ? psV2(world, sel, flags.includes("-a") || flags.includes("--all")) : psV1(sel));
    case "down":
      return down(world, st);
    case "stop":
    case "start":
    case "restart":
      return lifecycle(world, sel, sub, st);
    case undefined:
      return ok(
        v2
          ? "\nUsage:  docker compose [OPTIONS] COMMAND\n\nDefine and run multi-container applications with Docker\n"
          : "Define and run multi-container applications with Docker.\n\nUsage:\n  docker-compose [-f <arg>...] [options] [COMMAND] [ARGS...]\n",
      );
  }
  return v2 ? fail(`unknown docker command: "compose ${sub}"`) : fail(`No such command: ${sub}\n`);
}

export const dockerComposeCommand: CommandSpec = {
  name: "docker-compose",
  where: "host",
  run: (ctx) => compose(ctx, ctx.args, false),
};

export function composeCommandV2(ctx: CommandContext, args: string[]): Promise<ExecResult> {
  return compose(ctx, args, true);
}
