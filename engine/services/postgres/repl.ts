/**
 * psql at its prompt (`psql` typed in a terminal, stdin a terminal): the lines typed there
 * are its input until `\q`. As psql's MainLoop does, text accumulates in a query buffer and a
 * statement is sent as soon as a `;` ends it outside quotes, comments and parentheses (several
 * per line, or one over several lines with the `testdb-#` prompt); a backslash command takes
 * the rest of its line. The connection is a PgSession: its open transaction survives from
 * line to line and stays its own (see server.ts), and the prompt shows it (`testdb=*#`, `!` once
 * failed). When the server goes away, the next statement reports the lost connection and
 * psql tries to reconnect once, as real psql does.
 */
import { US_PER_MS } from "../../core/clock";
import type { CommandContext, ExecResult, Repl } from "../../world/types";
import { connect, META } from "./commands/psql";
import { pgOf } from "./common";
import { alignedTable, reportNotice, statementOutput } from "./format";
import type { StatementResult } from "./pglite";
import { ConnectError, type PgSession } from "./server";

export interface ConnectOptions {
  host?: string;
  port?: string;
  db?: string;
  user?: string;
}

/** Lexical state of the query buffer at the end of what was typed so far. */
interface Lex {
  quote: string;
  dollar: string;
  comment: number;
  paren: number;
}

const TOP: Lex = { quote: "", dollar: "", comment: 0, paren: 0 };

const HELP = `You are using psql, the command-line interface to PostgreSQL.
Type:  \\copyright for distribution terms
       \\h for help with SQL commands
       \\? for help with psql commands
       \\g or terminate with semicolon to execute query
       \\q to quit
`;

function backslashHelp(db: string): string {
  return `General
  \\q                     quit psql

Help
  \\?                     show help on backslash commands

Query Buffer
  \\g                     execute query (the query buffer, or the last query)
  \\r                     reset (clear) the query buffer

Input/Output
  \\echo [STRING]         write string to standard output
  \\timing [on|off]       toggle timing of commands

Informational
  \\d                     list tables, views, and sequences
  \\d      NAME           describe table, view, sequence, or index
  \\dt     [PATTERN]      list tables
  \\l                     list databases

Connection
  \\c[onnect] [DBNAME]    connect to new database (currently "${db}")
  \\conninfo              display information about current connection
`;
}

const LIST_RELATIONS = `SELECT n.nspname as "Schema", c.relname as "Name", CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 'p' THEN 'partitioned table' END as "Type", pg_catalog.pg_get_userbyid(c.relowner) as "Owner" FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p','v','m','S','f','') AND n.nspname <> 'pg_catalog' AND n.nspname !~ '^pg_toast' AND n.nspname <> 'information_schema' AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 1,2`;

function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A psql pattern (`te*`, `"Test"`) as a LIKE pattern on relname. */
function likePattern(p: string): string {
  if (p.startsWith('"') && p.endsWith('"') && p.length > 1) return p.slice(1, -1).replace(/[%_]/g, "\\$&");
  return p.toLowerCase().replace(/[%_]/g, "\\$&").replace(/\*/g, "%").replace(/\?/g, "_");
}

export class PsqlRepl implements Repl {
  private buf = "";
  private lex: Lex = { ...TOP };
  private last = "";
  private timing = false;

  constructor(
    private readonly ctx: CommandContext,
    private session: PgSession | undefined,
    private readonly opts: ConnectOptions,
    private readonly mode: { tuples: boolean; unaligned: boolean },
    readonly banner: string,
  ) {}

  private get servers() {
    return pgOf(this.ctx).servers;
  }

  /** psql's PROMPT1 `%/%R%x%# ` and PROMPT2 (`-`, or the quote/parenthesis still open). */
  prompt(): string {
    const s = this.session;
    if (!s) return "!?> ";
    const pending = this.buf.trim() !== "" || this.lex.comment > 0 || this.lex.quote !== "" || this.lex.dollar !== "";
    const r = !pending
      ? "="
      : this.lex.quote || (this.lex.dollar ? "$" : this.lex.comment > 0 ? "*" : this.lex.paren > 0 ? "(" : "-");
    const x = s.status === "T" ? "*" : s.status === "E" ? "!" : "";
    return `${s.database}${r}${x}# `;
  }

  async input(text: string, opts: { signal?: AbortSignal } = {}): Promise<ExecResult & { done?: boolean }> {
    const out = { stdout: "", stderr: "" };
    let done = false;
    for (const line of text.split("\n")) {
      if (line === "\u0004") {
        // Ctrl-D at the prompt: psql echoes \q and leaves
        out.stdout += "\\q\n";
        done = true;
      } else done = await this.line(line, out);
      if (done) break;
    }
    if (done) {
      if (this.session) await this.servers.close(this.session);
      this.session = undefined;
    } else if (opts.signal?.aborted) {
      // Ctrl-C at the prompt: the query buffer is cleared
      this.buf = "";
      this.lex = { ...TOP };
    }
    return { ...out, exitCode: 0, ...(done ? { done } : {}) };
  }

  /** One input line; true when psql ends. */
  private async line(line: string, out: { stdout: string; stderr: string }): Promise<boolean> {
    const bare = /^\s*(exit|quit|help)\s*;?\s*$/.exec(line)?.[1];
    if (bare && this.buf.trim() === "" && this.lex.comment === 0) {
      if (bare !== "help") return true;
      out.stdout += HELP;
      return false;
    }
    let start = 0;
    let i = 0;
    const lex = this.lex;
    while (i < line.length) {
      const c = line[i] as string;
      const rest = line.slice(i);
      if (lex.comment > 0) {
        if (rest.startsWith("*/")) lex.comment--;
        else if (rest.startsWith("/*")) lex.comment++;
        i += rest.startsWith("*/") || rest.startsWith("/*") ? 2 : 1;
        continue;
      }
      if (lex.quote) {
        if (c === lex.quote) {
          if (line[i + 1] === lex.quote) i++;
          else lex.quote = "";
        }
        i++;
        continue;
      }
      if (lex.dollar) {
        if (rest.startsWith(lex.dollar)) {
          i += lex.dollar.length;
          lex.dollar = "";
        } else i++;
        continue;
      }
      if (rest.startsWith("--")) {
        this.buf += line.slice(start, i);
        start = line.length;
        break;
      }
      const dollar = /^\$(?:[A-Za-z_]\w*)?\$/.exec(rest);
      if (rest.startsWith("/*")) {
        lex.comment++;
        i += 2;
      } else if (c === "'" || c === '"') {
        lex.quote = c;
        i++;
      } else if (dollar && !/\w/.test(line[i - 1] ?? "")) {
        lex.dollar = dollar[0];
        i += dollar[0].length;
      } else if (c === ";" && lex.paren === 0) {
        const stmt = (this.buf + line.slice(start, i + 1)).trim();
        this.buf = "";
        start = i + 1;
        i++;
        if (stmt !== ";") await this.send(stmt, out);
      } else if (c === "\\") {
        this.buf += line.slice(start, i);
        start = line.length;
        if (await this.meta(line.slice(i), out)) return true;
        break;
      } else {
        if (c === "(") lex.paren++;
        else if (c === ")") lex.paren = Math.max(0, lex.paren - 1);
        i++;
      }
    }
    this.buf += line.slice(start);
    if (this.buf.trim() === "" && lex.comment === 0 && !lex.quote && !lex.dollar) this.buf = "";
    else this.buf += "\n";
    return false;
  }

  /** The server went away: report it as psql does, and try once to reconnect. */
  private async lost(out: { stdout: string; stderr: string }, fatal?: string): Promise<void> {
    // a clean stop (pg_ctl stop, fast mode) tells the clients why; a crash says nothing
    const why = fatal ?? (this.session?.server.alive ? "terminating connection due to administrator command" : "");
    if (why) out.stderr += `FATAL:  ${why}\n`;
    out.stderr +=
      "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.\n";
    const db = this.session?.database;
    this.session = undefined;
    const c = await connect(this.ctx, "psql", { ...this.opts, ...(db ? { db } : {}) });
    if ("exitCode" in c) {
      out.stderr += "The connection to the server was lost. Attempting reset: Failed.\n";
      return;
    }
    this.session = this.servers.open(c.node, c.database);
    out.stderr += "The connection to the server was lost. Attempting reset: Succeeded.\n";
  }

  /** Run SQL on the session; undefined when there is no connection (reported). */
  private async query(sql: string, out: { stdout: string; stderr: string }) {
    if (this.session && !this.servers.connected(this.session)) await this.lost(out);
    else if (!this.session) out.stderr += "You are currently not connected to a database.\n";
    else {
      const s = this.session;
      let r: Awaited<ReturnType<typeof this.servers.query>>;
      try {
        r = await this.servers.query(s.node, s.database, sql, s);
      } catch (e) {
        // its database was dropped meanwhile (dropdb from another terminal): the backend is gone
        if (!(e instanceof ConnectError)) throw e;
        await this.lost(out, e.message);
        return undefined;
      }
      this.ctx.world.clock.advanceBy(US_PER_MS);
      for (const n of r.notices) out.stderr += reportNotice(n);
      return r;
    }
    return undefined;
  }

  private async send(stmt: string, out: { stdout: string; stderr: string }): Promise<void> {
    this.last = stmt;
    const t0 = this.ctx.world.clock.now;
    const r = await this.query(stmt, out);
    if (!r) return;
    for (const s of r.statements as StatementResult[]) {
      if (s.error) out.stderr += reportNotice(s.error, stmt);
      else out.stdout += statementOutput(s, this.mode);
    }
    if (this.timing) {
      const ms = (this.ctx.world.clock.now - t0) / US_PER_MS;
      out.stdout += `Time: ${ms.toFixed(3)} ms${ms >= 1000 ? ` (${clockTime(ms)})` : ""}\n`;
    }
  }

  /** A query psql sends for a backslash command, its result as a titled table. */
  private async describeQuery(sql: string, out: { stdout: string; stderr: string }) {
    const r = await this.query(sql, out);
    const s = r?.statements[0];
    if (s?.error) out.stderr += reportNotice(s.error);
    return s && !s.error ? s : undefined;
  }

  /** A backslash command and its arguments (the rest of the line); true for \q. */
  private async meta(text: string, out: { stdout: string; stderr: string }): Promise<boolean> {
    const m = /^\\([A-Za-z]+\+?|[?!])\s*(.*)$/.exec(text.trim());
    const name = m?.[1] ?? text.trim().split(/\s+/)[0]?.slice(1) ?? "";
    const arg = (m?.[2] ?? "").trim();
    switch (name.replace(/\+$/, "")) {
      case "q":
        return true;
      case "?":
        out.stdout += backslashHelp(this.session?.database ?? "");
        return false;
      case "echo":
        out.stdout += `${arg.replace(/^'(.*)'$/, "$1")}\n`;
        return false;
      case "timing":
        this.timing = arg === "" ? !this.timing : /^(on|true|1|yes)$/i.test(arg);
        out.stdout += `Timing is ${this.timing ? "on" : "off"}.\n`;
        return false;
      case "r":
        this.buf = "";
        this.lex = { ...TOP };
        out.stdout += "Query buffer reset (cleared).\n";
        return false;
      case "g": {
        const q = this.buf.trim() || this.last;
        this.buf = "";
        this.lex = { ...TOP };
        if (q) await this.send(q, out);
        return false;
      }
      case "l":
      case "list": {
        const s = await this.describeQuery((META["\\l"] as { sql: string }).sql, out);
        if (s) out.stdout += alignedTable(s, { title: "List of databases" });
        return false;
      }
      case "dt":
      case "d":
        if (name.startsWith("d") && name !== "dt" && name !== "dt+" && arg !== "") await this.describe(arg, out);
        else await this.listRelations(name.startsWith("dt") ? "tables" : "all", arg, out);
        return false;
      case "c":
      case "connect":
        await this.reconnect(arg.split(/\s+/)[0] ?? "", out);
        return false;
      case "conninfo":
        await this.conninfo(out);
        return false;
      default:
        out.stderr += `invalid command \\${name}\nTry \\? for help.\n`;
        return false;
    }
  }

  private async listRelations(which: "tables" | "all", pattern: string, out: { stdout: string; stderr: string }) {
    let sql = which === "tables" ? (META["\\dt"] as { sql: string }).sql : LIST_RELATIONS;
    if (pattern) sql = sql.replace(" ORDER BY", ` AND c.relname LIKE ${quoteLiteral(likePattern(pattern))} ORDER BY`);
    const s = await this.describeQuery(sql, out);
    if (!s) return;
    if (s.rows.length > 0) out.stdout += alignedTable(s, { title: "List of relations" });
    else if (pattern) out.stderr += `Did not find any relation named "${pattern}".\n`;
    else out.stderr += "Did not find any relations.\n";
  }

  /** `\d NAME`: columns with type, nullability and default, then the indexes (describe.c). */
  private async describe(pattern: string, out: { stdout: string; stderr: string }) {
    const found = await this.describeQuery(
      `SELECT c.oid, n.nspname, c.relname, c.relkind FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relname LIKE ${quoteLiteral(likePattern(pattern))} AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 2, 3`,
      out,
    );
    if (!found) return;
    if (found.rows.length === 0) {
      out.stderr += `Did not find any relation named "${pattern}".\n`;
      return;
    }
    const kinds: Record<string, string> = {
      r: "Table",
      v: "View",
      m: "Materialized view",
      i: "Index",
      S: "Sequence",
      p: "Partitioned table",
    };
    for (const [oid, nsp, rel, kind] of found.rows) {
      const cols = await this.describeQuery(
        `SELECT a.attname AS "Column", pg_catalog.format_type(a.atttypid, a.atttypmod) AS "Type", COALESCE((SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation), '') AS "Collation", CASE WHEN a.attnotnull THEN 'not null' ELSE '' END AS "Nullable", COALESCE(pg_catalog.pg_get_expr(d.adbin, d.adrelid, true), '') AS "Default" FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = ${oid} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
        out,
      );
      if (!cols) return;
      out.stdout += alignedTable(cols, {
        title: `${kinds[kind ?? ""] ?? "Relation"} "${nsp}.${rel}"`,
        footer: false,
      }).replace(/\n$/, "");
      const idx = await this.describeQuery(
        `SELECT c2.relname, i.indisprimary, i.indisunique, pg_catalog.pg_get_indexdef(i.indexrelid, 0, true), con.contype FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c2 ON c2.oid = i.indexrelid LEFT JOIN pg_catalog.pg_constraint con ON con.conrelid = i.indrelid AND con.conindid = i.indexrelid AND con.contype IN ('p','u','x') WHERE i.indrelid = ${oid} ORDER BY i.indisprimary DESC, c2.relname`,
        out,
      );
      if (idx && idx.rows.length > 0) {
        out.stdout += "Indexes:\n";
        for (const [iname, primary, unique, def, contype] of idx.rows) {
          const kindText =
            primary === "t"
              ? " PRIMARY KEY,"
              : contype === "u"
                ? " UNIQUE CONSTRAINT,"
                : unique === "t"
                  ? " UNIQUE,"
                  : "";
          const using = (def ?? "").replace(/^.* USING /, "");
          out.stdout += `    "${iname}"${kindText} ${using}\n`;
        }
      }
      out.stdout += "\n";
    }
  }

  /** `\c DB`: a new connection; the previous one is kept when it fails. */
  private async reconnect(db: string, out: { stdout: string; stderr: string }) {
    const target = db === "" || db === "-" ? this.session?.database : db;
    const c = await connect(this.ctx, "psql", { ...this.opts, ...(target ? { db: target } : {}) });
    if ("exitCode" in c) {
      out.stderr += c.stderr.replace(/^psql: error: /, "");
      if (this.session) out.stderr += "Previous connection kept\n";
      return;
    }
    if (this.session) await this.servers.close(this.session);
    this.session = this.servers.open(c.node, c.database);
    out.stdout += `You are now connected to database "${c.database}" as user "${c.user}".\n`;
  }

  /** psql 18's `\conninfo`: a table of the connection's parameters. */
  private async conninfo(out: { stdout: string; stderr: string }) {
    const s = this.session;
    if (s && !this.servers.connected(s)) return this.lost(out);
    if (!s) {
      out.stderr += "You are currently not connected to a database.\n";
      return;
    }
    const host = this.opts.host && !this.opts.host.startsWith("/") ? this.opts.host : undefined;
    const rows: [string, string][] = [
      ["Database", s.database],
      ["Client User", "postgres"],
      ...(host
        ? ([
            ["Host", host],
            ["Host Address", host === "localhost" ? "127.0.0.1" : (s.node.ip ?? host)],
          ] as [string, string][])
        : ([["Socket Directory", "/var/run/postgresql"]] as [string, string][])),
      ["Server Port", "5432"],
      ["Options", ""],
      ["Protocol Version", "3.0"],
      ["Password Used", "false"],
      ["GSSAPI Authenticated", "false"],
      ["Backend PID", String(s.server.pid + 7)],
      ["SSL Connection", "false"],
      ["Superuser", "on"],
      ["Hot Standby", "off"],
    ];
    const text = { name: "", dataTypeID: 25 };
    out.stdout += alignedTable(
      {
        fields: [
          { ...text, name: "Parameter" },
          { ...text, name: "Value" },
        ],
        rows,
      },
      { title: "Connection Information" },
    );
  }
}

/** psql's `(mm:ss.fff)` after a timing over one second. */
function clockTime(ms: number): string {
  const min = Math.floor(ms / 60_000);
  const sec = (ms - min * 60_000) / 1000;
  return `${String(min).padStart(2, "0")}:${sec.toFixed(3).padStart(6, "0")}`;
}
