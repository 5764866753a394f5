/**
 * `pg_ctl -D DIR start|stop|status|restart [-l LOG] [-m fast|immediate]` (src/bin/pg_ctl/pg_ctl.c).
 * The server is PGlite started on DIR's files; postmaster.pid is written to DIR like the real
 * postmaster's lock file, so a crash leaves it behind and the next start says so.
 */
import { US_PER_MS } from "../../../core/clock";
import { wallClockMs } from "../../../core/time";
import type { CommandContext, CommandSpec, ExecResult } from "../../../world/types";
import { absPath, fail, getopt, ok, ownerOf, pgOf, strerror, userOf } from "../common";
import { PG_PORT, SOCKET } from "../server";

const ROOT_REFUSAL =
  'pg_ctl: cannot be run as root\nPlease log in (using, e.g., "su") as the (unprivileged) user that will\nown the server process.';

function logTime(ctx: CommandContext): string {
  const d = new Date(wallClockMs(ctx.world.clock.now));
  return `${d.toISOString().replace("T", " ").replace("Z", "")} UTC`;
}

/** listen_addresses from postgresql.conf (last setting wins, as in guc-file.l). */
async function listenAddresses(ctx: CommandContext, dir: string): Promise<string> {
  let v = "localhost";
  for (const f of ["postgresql.conf", "postgresql.auto.conf"]) {
    const text = await ctx.fs.readFile(`${dir}/${f}`).catch(() => "");
    for (const line of text.split("\n")) {
      const m = /^\s*listen_addresses\s*=?\s*'([^']*)'/.exec(line);
      if (m) v = m[1] as string;
    }
  }
  return v;
}

async function checkCluster(ctx: CommandContext, dir: string, status: boolean): Promise<ExecResult | null> {
  const code = status ? 4 : 1;
  if (!(await ctx.fs.exists(dir))) return fail(`pg_ctl: directory "${dir}" does not exist`, code);
  if (!(await ctx.fs.exists(`${dir}/PG_VERSION`)))
    return fail(`pg_ctl: directory "${dir}" is not a database cluster directory`, code);
  return null;
}

async function start(ctx: CommandContext, dir: string, logfile: string | undefined): Promise<ExecResult> {
  const pg = pgOf(ctx);
  const node = ctx.node;
  if (!node) return fail("pg_ctl: command not found", 127);
  const bad = await checkCluster(ctx, dir, false);
  if (bad) return bad;
  let stderr = "";
  const pidFile = `${dir}/postmaster.pid`;
  const stale = await ctx.fs.exists(pidFile);
  if (stale) stderr += "pg_ctl: another server might be running; trying to start server anyway\n";
  const running = pg.servers.get(node);
  const t = logTime(ctx);
  const serverFail = async (lines: string[]): Promise<ExecResult> => {
    const log = lines.map((l) => `${t} [${pg.peekPid(node)}] ${l}\n`).join("");
    let out = "waiting for server to start....";
    if (logfile) await ctx.fs.appendFile(absPath(ctx.cwd, logfile), log).catch(() => undefined);
    else out += log;
    return fail(`${stderr}pg_ctl: could not start server\nExamine the log output.`, 1, `${out} stopped waiting\n`);
  };
  if (running) {
    if (running.dataDir === dir)
      return serverFail([
        `FATAL:  lock file "postmaster.pid" already exists`,
        `HINT:  Is another postmaster (PID ${running.pid}) running in data directory "${dir}"?`,
      ]);
    return serverFail([
      `FATAL:  lock file "${SOCKET}.lock" already exists`,
      `HINT:  Is another postmaster (PID ${running.pid}) using socket file "${SOCKET}"?`,
    ]);
  }
  const owner = ownerOf(ctx.fs, dir);
  if (owner !== undefined && owner !== userOf(ctx))
    return serverFail([
      `FATAL:  data directory "${dir}" has wrong ownership`,
      "HINT:  The server must be started by the user that owns the data directory.",
    ]);
  const st = await ctx.fs.stat(dir);
  if ((st.mode & 0o027) !== 0)
    return serverFail([
      `FATAL:  data directory "${dir}" has invalid permissions`,
      "DETAIL:  Permissions should be u=rwx (0700) or u=rwx,g=rx (0750).",
    ]);
  const pid = pg.peekPid(node);
  try {
    await ctx.fs.writeFile(
      pidFile,
      `${pid}\n${dir}\n${Math.floor(wallClockMs(ctx.world.clock.now) / 1000)}\n${PG_PORT}\n/var/run/postgresql\n*\n  5432001         0\nstarting\n`,
    );
  } catch (e) {
    return serverFail([`FATAL:  could not create lock file "postmaster.pid": ${strerror(e)}`]);
  }
  const addr = await listenAddresses(ctx, dir);
  const server = await pg.servers.start(node, ctx.fs, dir);
  await ctx.fs.writeFile(pidFile, (await ctx.fs.readFile(pidFile)).replace("starting", "ready   "));
  const listen =
    addr === "*"
      ? ['listening on IPv4 address "0.0.0.0", port 5432', 'listening on IPv6 address "::", port 5432']
      : ['listening on IPv4 address "127.0.0.1", port 5432'];
  const lines = [
    `[${server.pid}] LOG:  starting PostgreSQL ${pg.version} on x86_64-pc-linux-gnu, compiled by gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, 64-bit`,
    ...listen.map((l) => `[${server.pid}] LOG:  ${l}`),
    `[${server.pid}] LOG:  listening on Unix socket "${SOCKET}"`,
    ...(stale
      ? [
          `[${server.pid + 2}] LOG:  database system was interrupted; last known up at ${t}`,
          `[${server.pid + 2}] LOG:  database system was not properly shut down; automatic recovery in progress`,
          `[${server.pid + 2}] LOG:  redo done`,
        ]
      : [`[${server.pid + 2}] LOG:  database system was shut down at ${t}`]),
    `[${server.pid}] LOG:  database system is ready to accept connections`,
  ].map((l) => `${t} ${l}\n`);
  ctx.world.clock.advanceBy((stale ? 900 : 300) * US_PER_MS);
  let out = "waiting for server to start....";
  if (logfile) {
    try {
      await ctx.fs.appendFile(absPath(ctx.cwd, logfile), lines.join(""));
    } catch (e) {
      await pg.servers.stop(node);
      await ctx.fs.rm(pidFile, { force: true });
      return fail(
        `${stderr}pg_ctl: could not open log file "${logfile}": ${strerror(e)}`,
        1,
        `${out} stopped waiting\n`,
      );
    }
  } else out += lines.join("");
  return ok(`${out} done\nserver started\n`, stderr);
}

async function stop(ctx: CommandContext, dir: string, mode: string): Promise<ExecResult> {
  const pg = pgOf(ctx);
  const node = ctx.node;
  if (!node) return fail("pg_ctl: command not found", 127);
  const bad = await checkCluster(ctx, dir, false);
  if (bad) return bad;
  const pidFile = `${dir}/postmaster.pid`;
  const running = pg.servers.get(node);
  if (!running || running.dataDir !== dir) {
    if (!(await ctx.fs.exists(pidFile)))
      return fail(`pg_ctl: PID file "${pidFile}" does not exist\nIs server running?`);
    const pid = Number((await ctx.fs.readFile(pidFile)).split("\n")[0]);
    return fail(`pg_ctl: could not send stop signal (PID: ${pid}): No such process`);
  }
  if (mode === "immediate") pg.servers.drop(node);
  else await pg.servers.stop(node);
  await ctx.fs.rm(pidFile, { force: true });
  ctx.world.clock.advanceBy(200 * US_PER_MS);
  return ok("waiting for server to shut down.... done\nserver stopped\n");
}

async function status(ctx: CommandContext, dir: string): Promise<ExecResult> {
  const bad = await checkCluster(ctx, dir, true);
  if (bad) return bad;
  const running = ctx.node ? pgOf(ctx).servers.get(ctx.node) : undefined;
  if (!running || running.dataDir !== dir) return fail("", 3, "pg_ctl: no server running\n");
  return ok(
    `pg_ctl: server is running (PID: ${running.pid})\n/usr/lib/postgresql/${pgOf(ctx).major}/bin/postgres "-D" "${dir}"\n`,
  );
}

export const pgCtlCommand: CommandSpec = {
  name: "pg_ctl",
  where: "node",
  async run(ctx) {
    const g = getopt(
      ctx.args,
      { "-D": "D", "--pgdata": "D", "-l": "l", "--log": "l", "-m": "m", "--mode": "m", "-o": "o", "-t": "t" },
      { "-w": "w", "-W": "W", "-s": "s", "--silent": "s" },
    );
    if (g.error) return fail(`pg_ctl: ${g.error}\nTry "pg_ctl --help" for more information.`);
    const action = g.rest[0];
    if (!action) return fail('pg_ctl: no operation specified\nTry "pg_ctl --help" for more information.');
    if (!["start", "stop", "restart", "status", "reload"].includes(action))
      return fail(`pg_ctl: unrecognized operation mode "${action}"\nTry "pg_ctl --help" for more information.`);
    if (userOf(ctx) === "root") return fail(ROOT_REFUSAL);
    const given = g.opts.D ?? ctx.env.PGDATA;
    if (!given)
      return fail(
        'pg_ctl: no database directory specified and environment variable PGDATA unset\nTry "pg_ctl --help" for more information.',
      );
    const dir = absPath(ctx.cwd, given);
    const mode = g.opts.m ?? "fast";
    if (!["s", "smart", "f", "fast", "i", "immediate"].includes(mode))
      return fail(`pg_ctl: unrecognized shutdown mode "${mode}"\nTry "pg_ctl --help" for more information.`);
    const m = mode.startsWith("i") ? "immediate" : "fast";
    if (action === "start") return start(ctx, dir, g.opts.l);
    if (action === "stop") return stop(ctx, dir, m);
    if (action === "status") return status(ctx, dir);
    if (action === "reload") {
      const s = await status(ctx, dir);
      return s.exitCode === 0
        ? ok("server signaled\n")
        : fail(`pg_ctl: PID file "${dir}/postmaster.pid" does not exist\nIs server running?`);
    }
    const stopped = await stop(ctx, dir, m);
    const started = await start(ctx, dir, g.opts.l);
    const stopOut = stopped.exitCode === 0 ? stopped.stdout : "";
    const stopErr = stopped.exitCode === 0 ? "" : `${stopped.stderr}trying to start server anyway\n`;
    return { stdout: stopOut + started.stdout, stderr: stopErr + started.stderr, exitCode: started.exitCode };
  },
};
