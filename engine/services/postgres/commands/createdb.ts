/** `createdb NAME` and `dropdb NAME`: wrappers that send CREATE/DROP DATABASE, like the real ones. */
import type { CommandContext, CommandSpec, ExecResult } from "../../../world/types";
import { fail, getopt, ok, pgOf } from "../common";
import { connect } from "./psql";

function ident(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

async function run(ctx: CommandContext, prog: "createdb" | "dropdb"): Promise<ExecResult> {
  const g = getopt(
    ctx.args,
    {
      "-U": "U",
      "--username": "U",
      "-h": "h",
      "--host": "h",
      "-p": "p",
      "--port": "p",
      "-O": "O",
      "--owner": "O",
      "-T": "T",
      "--template": "T",
      "-E": "E",
      "--maintenance-db": "m",
    },
    { "-e": "e", "--echo": "e", "-w": "w", "--if-exists": "x" },
  );
  if (g.error) return fail(`${prog}: error: ${g.error}\n${prog}: hint: Try "${prog} --help" for more information.`);
  const name =
    g.rest[0] ?? (prog === "createdb" ? (g.opts.U ?? ctx.env.PGUSER ?? ctx.session?.user ?? "root") : undefined);
  if (!name)
    return fail(
      `dropdb: error: missing required argument database name\ndropdb: hint: Try "dropdb --help" for more information.`,
    );
  const conn = await connect(ctx, prog, { host: g.opts.h, port: g.opts.p, db: g.opts.m ?? "postgres", user: g.opts.U });
  if ("exitCode" in conn) return conn;
  const sql =
    prog === "createdb"
      ? `CREATE DATABASE ${ident(name)}${g.opts.O ? ` OWNER ${ident(g.opts.O)}` : ""}${g.opts.T ? ` TEMPLATE ${ident(g.opts.T)}` : ""};`
      : `DROP DATABASE${g.opts.x ? " IF EXISTS" : ""} ${ident(name)};`;
  const r = await pgOf(ctx).servers.query(conn.node, conn.database, sql);
  const e = r.statements[0]?.error;
  const echo = g.opts.e ? `${sql}\n` : "";
  if (e)
    return fail(
      `${prog}: error: ${prog === "createdb" ? "database creation" : "database removal"} failed: ${e.severity}:  ${e.message}`,
      1,
      echo,
    );
  return ok(echo);
}

export const createdbCommand: CommandSpec = { name: "createdb", where: "node", run: (ctx) => run(ctx, "createdb") };
export const dropdbCommand: CommandSpec = { name: "dropdb", where: "node", run: (ctx) => run(ctx, "dropdb") };
