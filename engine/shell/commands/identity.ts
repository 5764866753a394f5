/** Who and where: hostname, uname, whoami, id, su. */
import { GROUPS, groupById, userByName } from "../../world/default-files";
import type { CommandSpec } from "../../world/types";
import { KERNEL_RELEASE, KERNEL_VERSION } from "../proc-files";
import { currentUser, fail, labWorld, ok } from "./util";

function hostnameOf(ctx: Parameters<CommandSpec["run"]>[0]): string {
  return ctx.node ? ctx.node.name : labWorld(ctx).machine("host").hostname;
}

export const hostnameCommand: CommandSpec = {
  name: "hostname",
  where: "both",
  async run(ctx) {
    const a = ctx.args[0];
    const ip = ctx.node?.ip ?? labWorld(ctx).topology.gateway;
    if (a === undefined || a === "-s" || a === "--short" || a === "-f" || a === "--fqdn")
      return ok(`${hostnameOf(ctx)}\n`);
    if (a === "-i" || a === "--ip-address") return ok(`${ip}\n`);
    if (a === "-I" || a === "--all-ip-addresses") return ok(`${ip} \n`);
    if (a.startsWith("-"))
      return fail(
        `hostname: invalid option -- '${a.slice(1, 2)}'\nUsage: hostname [-b] {hostname|-F file}         set host name (from file)`,
      );
    if (currentUser(ctx) !== "root") return fail("hostname: you must be root to change the host name");
    // Docker containers may not change the UTS name without SYS_ADMIN... the lab's are privileged,
    // but renaming a node would break DRBD's `on <host>` matching: refuse like an unprivileged one.
    return fail("hostname: you must be root to change the host name");
  },
};

export const unameCommand: CommandSpec = {
  name: "uname",
  where: "both",
  async run(ctx) {
    const host = hostnameOf(ctx);
    const fields = {
      s: "Linux",
      n: host,
      r: KERNEL_RELEASE,
      v: KERNEL_VERSION,
      m: "x86_64",
      p: "x86_64",
      i: "x86_64",
      o: "GNU/Linux",
    };
    const long: Record<string, string> = {
      "--kernel-name": "s",
      "--nodename": "n",
      "--kernel-release": "r",
      "--kernel-version": "v",
      "--machine": "m",
      "--processor": "p",
      "--hardware-platform": "i",
      "--operating-system": "o",
      "--all": "a",
    };
    const want = new Set<string>();
    for (const a of ctx.args) {
      if (long[a]) want.add(long[a] as string);
      else if (/^-[a-z]+$/.test(a)) {
        for (const c of a.slice(1)) {
          if (!"asnrvmpio".includes(c))
            return fail(`uname: invalid option -- '${c}'\nTry 'uname --help' for more information.`);
          want.add(c);
        }
      } else return fail(`uname: extra operand '${a}'\nTry 'uname --help' for more information.`);
    }
    if (want.size === 0) want.add("s");
    const order = want.has("a")
      ? ["s", "n", "r", "v", "m", "p", "i", "o"]
      : ["s", "n", "r", "v", "m", "p", "i", "o"].filter((k) => want.has(k));
    return ok(`${order.map((k) => fields[k as keyof typeof fields]).join(" ")}\n`);
  },
};

export const whoamiCommand: CommandSpec = {
  name: "whoami",
  where: "both",
  async run(ctx) {
    return ok(`${currentUser(ctx)}\n`);
  },
};

function idLine(name: string): string | undefined {
  const u = userByName(name);
  if (!u) return undefined;
  const groups = [u.gid, ...GROUPS.filter((g) => g.members?.includes(name)).map((g) => g.gid)];
  return `uid=${u.uid}(${u.name}) gid=${u.gid}(${groupById(u.gid)}) groups=${groups.map((g) => `${g}(${groupById(g)})`).join(",")}`;
}

export const idCommand: CommandSpec = {
  name: "id",
  where: "node",
  async run(ctx) {
    const flags = ctx.args
      .filter((a) => a.startsWith("-"))
      .join("")
      .replace(/-/g, "");
    const names = ctx.args.filter((a) => !a.startsWith("-"));
    const name = names[0] ?? currentUser(ctx);
    const u = userByName(name);
    if (!u) return fail(`id: '${name}': no such user`);
    if (flags.includes("u")) return ok(`${flags.includes("n") ? u.name : u.uid}\n`);
    if (flags.includes("g")) return ok(`${flags.includes("n") ? groupById(u.gid) : u.gid}\n`);
    if (flags.includes("G")) {
      const gs = [u.gid, ...GROUPS.filter((g) => g.members?.includes(name)).map((g) => g.gid)];
      return ok(`${gs.map((g) => (flags.includes("n") ? groupById(g) : g)).join(" ")}\n`);
    }
    return ok(`${idLine(name)}\n`);
  },
};

/**
 * `su [-|-l|--login] [USER] [-c CMD]`. With -c the command runs as USER and su returns its
 * output; without, the terminal switches to USER until `exit`.
 */
export const suCommand: CommandSpec = {
  name: "su",
  where: "node",
  async run(ctx) {
    let login = false;
    let command: string | undefined;
    let user: string | undefined;
    const args = [...ctx.args];
    while (args.length > 0) {
      const a = args.shift() as string;
      if (a === "-" || a === "-l" || a === "--login") login = true;
      else if (a === "-c" || a === "--command") {
        command = args.shift();
        if (command === undefined)
          return fail("su: option requires an argument -- 'c'\nTry 'su --help' for more information.");
      } else if (a.startsWith("--command=")) command = a.slice(10);
      else if (a === "-s" || a === "--shell") args.shift();
      else if (a.startsWith("-"))
        return fail(`su: invalid option -- '${a.slice(1, 2)}'\nTry 'su --help' for more information.`);
      else if (user === undefined) user = a;
    }
    user ??= "root";
    const target = userByName(user);
    if (!target)
      return fail(`su: user ${user} does not exist or the user entry does not contain all the required fields`);
    if (currentUser(ctx) !== "root") return fail("Password: \nsu: Authentication failure");
    if (target.shell.endsWith("nologin")) return fail("This account is currently not available.");
    const machine = labWorld(ctx).machineOf(ctx.node);
    if (command === undefined) {
      ctx.session?.request({ kind: "user", user });
      return ok();
    }
    const session = machine.newSession(user, login ? target.home : ctx.cwd);
    if (!login) session.env = { ...ctx.env, USER: user, LOGNAME: user, HOME: target.home };
    const r = await machine.run(command, session, { stdin: ctx.stdin });
    // `su - postgres -c psql` from a terminal: psql's prompt takes the terminal
    if (r.request?.kind === "repl") ctx.session?.request(r.request);
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  },
};

export const identityCommands = [hostnameCommand, unameCommand, whoamiCommand, idCommand, suCommand];
