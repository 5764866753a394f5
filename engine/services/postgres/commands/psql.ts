/**
 * `psql [-U user] [-d db] [-h host] [-p port] [-t] [-A] [-c SQL]... [db [user]]`, and psql
 * reading a script from stdin (heredoc). Output as psql's (aligned tables, tags, errors with
 * LINE/caret). Each invocation is one connection: a transaction left open when psql exits is
 * rolled back, as the server does when a client disconnects. Without -c/-f and with nothing on
 * stdin, psql is typed in a terminal: it opens its prompt there (repl.ts).
 */
import { US_PER_MS } from "../../../core/clock";
import type { CommandContext, CommandSpec, ExecResult, LabNode } from "../../../world/types";
import { fail, getopt, ok, pgOf, userOf } from "../common";
import { alignedTable, reportNotice, statementOutput } from "../format";
import type { StatementResult } from "../pglite";
import { PsqlRepl } from "../repl";
import { ConnectError, SOCKET } from "../server";
import { splitStatements } from "../sql-split";

export interface Connection {
  node: LabNode;
  database: string;
  user: string;
}

/** Find the server a client connects to, or psql's connection error (exit 2). */
export async function connect(
  ctx: CommandContext,
  prog: string,
  o: { host?: string; port?: string; db?: string; user?: string },
): Promise<Connection | ExecResult> {
  const user = o.user ?? ctx.env.PGUSER ?? userOf(ctx);
  const database = o.db ?? ctx.env.PGDATABASE ?? user;
  const pg = pgOf(ctx);
  const host = o.host ?? ctx.env.PGHOST;
  const port = o.port ?? ctx.env.PGPORT ?? "5432";
  let target = ctx.node;
  let where = `on socket "${port === "5432" ? SOCKET : `/var/run/postgresql/.s.PGSQL.${port}`}"`;
  let remote = false;
  if (host && !host.startsWith("/")) {
    const local = ["localhost", "127.0.0.1", "::1"].includes(host);
    const n = local ? ctx.node : ctx.world.resolveNode(host);
    const ip = local ? (host === "localhost" ? "127.0.0.1" : host) : (n?.ip ?? host);
    where = `to server at "${host}" (${ip}), port ${port}`;
    if (!n)
      return fail(`${prog}: error: could not translate host name "${host}" to address: Name or service not known`, 2);
    target = n;
    remote = !local && n !== ctx.node;
  }
  const running = target ? pg.servers.get(target) : undefined;
  const reachable = !remote || (ctx.node && target ? ctx.world.net.canReach(ctx.node.name, target.name, 5432) : false);
  if (!target || !running || port !== "5432" || !reachable) {
    if (host && !host.startsWith("/"))
      return fail(
        `${prog}: error: connection ${where} failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?`,
        2,
      );
    return fail(
      `${prog}: error: connection to server ${where} failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?`,
      2,
    );
  }
  if (user !== "postgres")
    return fail(`${prog}: error: connection to server ${where} failed: FATAL:  role "${user}" does not exist`, 2);
  try {
    await pg.servers.query(target, database, "SELECT 1");
  } catch (e) {
    if (e instanceof ConnectError)
      return fail(`${prog}: error: connection to server ${where} failed: FATAL:  ${e.message}`, 2);
    throw e;
  }
  return { node: target, database, user };
}

/** psql's backslash commands that a lab needs, as the SQL psql itself sends. */
export const META: Record<string, { sql: string; title: string }> = {
  "\\l": {
    title: "List of databases",
    sql: `SELECT d.datname as "Name", pg_catalog.pg_get_userbyid(d.datdba) as "Owner", pg_catalog.pg_encoding_to_char(d.encoding) as "Encoding", CASE d.datlocprovider WHEN 'b' THEN 'builtin' WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' END AS "Locale Provider", d.datcollate as "Collate", d.datctype as "Ctype", COALESCE(pg_catalog.array_to_string(d.datacl, E'\\n'),'') AS "Access privileges" FROM pg_catalog.pg_database d ORDER BY 1`,
  },
  "\\dt": {
    title: "List of relations",
    sql: `SELECT n.nspname as "Schema", c.relname as "Name", 'table' as "Type", pg_catalog.pg_get_userbyid(c.relowner) as "Owner" FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p') AND n.nspname <> 'pg_catalog' AND n.nspname !~ '^pg_toast' AND n.nspname <> 'information_schema' AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 1,2`,
  },
};

async function runScript(
  ctx: CommandContext,
  conn: Connection,
  sql: string,
  mode: { tuples: boolean; unaligned: boolean },
  stopOnError: boolean,
  whole = false,
): Promise<{ out: string; err: string; failed: boolean }> {
  const pg = pgOf(ctx);
  let out = "";
  let err = "";
  let failed = false;
  // psql -c sends its string as one query (one implicit transaction); a script goes statement by statement.
  for (const stmt of whole && !sql.trim().startsWith("\\") ? [sql] : splitStatements(sql)) {
    const t = stmt.trim();
    if (t === "\\q") break;
    const meta = META[t.split(/\s+/)[0] ?? ""];
    if (t.startsWith("\\") && !meta) {
      err += `invalid command ${t.split(/\s+/)[0]}\nTry \\? for help.\n`;
      continue;
    }
    const r = await pg.servers.query(conn.node, conn.database, meta ? meta.sql : stmt);
    ctx.world.clock.advanceBy(US_PER_MS);
    for (const n of r.notices) err += reportNotice(n);
    for (const s of r.statements as StatementResult[]) {
      if (s.error) {
        failed = true;
        err += reportNotice(s.error, meta ? undefined : stmt);
      } else if (meta) {
        out += s.rows.length === 0 && t === "\\dt" ? "" : alignedTable(s, { title: meta.title });
        if (s.rows.length === 0 && t === "\\dt") err += "Did not find any relations.\n";
      } else out += statementOutput(s, mode);
    }
    if (failed && stopOnError) break;
  }
  // The client disconnects: an open transaction is rolled back by the server.
  const st = await pg.servers.query(conn.node, conn.database, "SELECT 1");
  if (st.status !== "I") await pg.servers.query(conn.node, conn.database, "ROLLBACK");
  return { out, err, failed };
}

export const psqlCommand: CommandSpec = {
  name: "psql",
  where: "node",
  async run(ctx) {
    const g = getopt(
      ctx.args,
      {
        "-U": "U",
        "--username": "U",
        "-d": "d",
        "--dbname": "d",
        "-h": "h",
        "--host": "h",
        "-p": "p",
        "--port": "p",
        "-c": "c",
        "--command": "c",
        "-f": "f",
        "--file": "f",
        "-v": "v",
        "--set": "v",
      },
      {
        "-t": "t",
        "--tuples-only": "t",
        "-A": "A",
        "--no-align": "A",
        "-X": "X",
        "-q": "q",
        "--quiet": "q",
        "-w": "w",
        "-W": "W",
      },
    );
    if (g.error) return fail(`psql: error: ${g.error}\npsql: hint: Try "psql --help" for more information.`);
    const commands = g.all.c ?? [];
    const where = { host: g.opts.h, port: g.opts.p, db: g.opts.d ?? g.rest[0], user: g.opts.U ?? g.rest[1] };
    const conn = await connect(ctx, "psql", where);
    if ("exitCode" in conn) return conn;
    const mode = { tuples: g.opts.t === "1", unaligned: g.opts.A === "1" };
    if (commands.length === 0 && !g.opts.f && ctx.stdin === "" && ctx.session) {
      // stdin is the terminal: psql's prompt takes it until \q
      const session = pgOf(ctx).servers.open(conn.node, conn.database);
      const banner = g.opts.q === "1" ? "" : `psql (${pgOf(ctx).version})\nType "help" for help.\n\n`;
      ctx.session.request({ kind: "repl", repl: new PsqlRepl(ctx, session, where, mode, banner) });
      return ok();
    }
    const onErrorStop = /ON_ERROR_STOP=(1|on|true)/i.test(g.opts.v ?? "");
    if (commands.length > 0) {
      let out = "";
      let err = "";
      for (const c of commands) {
        const r = await runScript(ctx, conn, c, mode, true, true);
        out += r.out;
        err += r.err;
        if (r.failed) return fail(err, 1, out);
      }
      return ok(out, err);
    }
    let script = ctx.stdin;
    if (g.opts.f)
      script = await ctx.fs.readFile(g.opts.f.startsWith("/") ? g.opts.f : `${ctx.cwd}/${g.opts.f}`).catch(() => "");
    const r = await runScript(ctx, conn, script, mode, onErrorStop);
    // psql's script mode: errors are reported with their line, the exit status stays 0
    // unless ON_ERROR_STOP is set (then 3).
    return { stdout: r.out, stderr: r.err, exitCode: r.failed && onErrorStop ? 3 : 0 };
  },
};
