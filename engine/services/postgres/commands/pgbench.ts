/**
 * `pgbench -i -s N DB` (initialise) and `pgbench -c C -j J -T T DB` (TPC-B-like run), exercise 4.2.
 *
 * Why the run is modelled and not timed: the lab's time is virtual and PGlite runs on the
 * server's CPU, whose speed says nothing about the simulated cluster. What makes PostgreSQL
 * on DRBD slow or fast is the commit: each transaction waits for its WAL flush, and on DRBD
 * that write completes at protocol A, B or C's acknowledgement point (engine/perf). So the
 * throughput is computed from the live storage path (protocol, RTT, disks, faults), the
 * number of clients and the scale (row contention on pgbench_branches), the virtual clock
 * advances by T seconds, and a bounded number of the same transactions really run against
 * PostgreSQL so that the tables change (pgbench_history gets those rows). The report gives the
 * modelled count, as a real pgbench would for that cluster.
 */
import { US_PER_S } from "../../../core/clock";
import type { Rng } from "../../../core/rng";
import { buildPerfInputs, LAB_DISK } from "../../../perf/inputs";
import { evaluate } from "../../../perf/model";
import type { PerfInputs } from "../../../perf/types";
import { liveInputs } from "../../../scripts/labctl";
import type { CommandContext, CommandSpec, ExecResult } from "../../../world/types";
import { fail, getopt, ok, pgOf } from "../common";
import { type Connection, connect } from "./psql";

/** Real transactions run per pgbench invocation, at most (the rest is modelled). */
export const REAL_TRANSACTIONS = 200;
/** CPU time of one TPC-B transaction in a lab container (5 statements, parse/plan/execute). */
const CPU_MS_PER_TX = 0.45;
const CORES = 2;
/** Largest -s accepted (15 MB of table data per unit, all of it in the WebAssembly heap). */
export const MAX_SCALE = 20;

function rngOf(ctx: CommandContext): Rng {
  const w = ctx.world as CommandContext["world"] & { stream?: (p: string) => Rng };
  return w.stream ? w.stream("pgbench") : ctx.world.rng;
}

/** The commit latency (ms) of one 8 KiB WAL flush on the storage under the data directory. */
export async function commitLatencyMs(ctx: CommandContext): Promise<number> {
  let inputs: PerfInputs | string = "no drbd";
  if (ctx.node?.mounts.some((m) => m.device.startsWith("/dev/drbd"))) inputs = await liveInputs(ctx, "r0");
  const p = typeof inputs === "string" ? buildPerfInputs({ local: LAB_DISK, peers: [] }) : inputs;
  const r = evaluate(p, {
    op: "write",
    pattern: "seq",
    blockBytes: 8192,
    queueDepth: 1,
    totalBytes: 8192 * 1000,
    runtimeMs: 10_000,
    workingSetBytes: 16 << 20,
  });
  return r.latencyAvgMs;
}

/** Modelled TPC-B throughput: clients wait for their commits; branch rows serialise updates. */
export function modelTps(clients: number, scale: number, commitMs: number): { tps: number; latencyMs: number } {
  const perTx = CPU_MS_PER_TX + commitMs;
  const concurrent = Math.min(clients, Math.max(1, scale)); // one writer per branch row at a time
  const tps = Math.min((concurrent * 1000) / perTx, (CORES * 1000) / CPU_MS_PER_TX);
  return { tps, latencyMs: (clients * 1000) / tps };
}

async function init(ctx: CommandContext, conn: Connection, scale: number): Promise<ExecResult> {
  const pg = pgOf(ctx);
  const q = async (sql: string) => {
    const r = await pg.servers.query(conn.node, conn.database, sql);
    const e = r.statements.find((s) => s.error)?.error;
    if (e) throw new Error(`${e.severity}:  ${e.message}`);
    return r;
  };
  let err = "";
  try {
    const drop = await q("drop table if exists pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers");
    for (const n of drop.notices) err += `${n.severity}:  ${n.message}\n`;
    await q(
      "create table pgbench_history(tid int,bid int,aid int,delta int,mtime timestamp,filler char(22)); create table pgbench_tellers(tid int not null,bid int,tbalance int,filler char(84)) with (fillfactor=100); create table pgbench_accounts(aid int not null,bid int,abalance int,filler char(84)) with (fillfactor=100); create table pgbench_branches(bid int not null,bbalance int,filler char(88)) with (fillfactor=100)",
    );
    await q(
      `insert into pgbench_branches(bid,bbalance) select bid, 0 from generate_series(1, ${scale}) as bid; insert into pgbench_tellers(tid,bid,tbalance) select tid, (tid - 1) / 10 + 1, 0 from generate_series(1, ${scale * 10}) as tid; insert into pgbench_accounts(aid,bid,abalance,filler) select aid, (aid - 1) / 100000 + 1, 0, '' from generate_series(1, ${scale * 100000}) as aid`,
    );
    await q("vacuum analyze pgbench_branches");
    await q("vacuum analyze pgbench_tellers");
    await q("vacuum analyze pgbench_accounts");
    await q("vacuum analyze pgbench_history");
    await q(
      "alter table pgbench_branches add primary key (bid); alter table pgbench_tellers add primary key (tid); alter table pgbench_accounts add primary key (aid)",
    );
  } catch (e) {
    return fail(`${err}pgbench: error: ${(e as Error).message}`, 1);
  }
  // durations from the model: generation ~1.1 s per 100k rows in a lab container
  const gen = 1.1 * scale;
  const vac = 0.25 * scale;
  const pk = 0.3 * scale;
  const total = 0.02 + gen + vac + pk;
  ctx.world.clock.advanceBy(total * US_PER_S);
  const out =
    "dropping old tables...\ncreating tables...\ngenerating data (server-side)...\nvacuuming...\ncreating primary keys...\n" +
    `done in ${total.toFixed(2)} s (drop tables 0.01 s, create tables 0.01 s, server-side generate ${gen.toFixed(2)} s, vacuum ${vac.toFixed(2)} s, primary keys ${pk.toFixed(2)} s).\n`;
  return ok(out, err);
}

async function runBench(
  ctx: CommandContext,
  conn: Connection,
  clients: number,
  threads: number,
  limit: { seconds: number } | { perClient: number },
): Promise<ExecResult> {
  const pg = pgOf(ctx);
  const scaleRes = await pg.servers.query(conn.node, conn.database, "select count(*) from pgbench_branches");
  const first = scaleRes.statements[0];
  if (!first || first.error) {
    return fail(
      `pgbench: error: could not count number of branches: ERROR:  relation "pgbench_branches" does not exist\nLINE 1: select count(*) from pgbench_branches\n                             ^\npgbench: hint: Perhaps you need to do initialization ("pgbench -i") in database "${conn.database}".`,
      1,
      `pgbench (${pg.version})\n`,
    );
  }
  const scale = Number(first.rows[0]?.[0] ?? 0);
  if (scale === 0) return fail("pgbench: error: count(*) from pgbench_branches invalid (0)", 1);
  await pg.servers.query(conn.node, conn.database, "vacuum pgbench_branches");
  await pg.servers.query(conn.node, conn.database, "vacuum pgbench_tellers");
  await pg.servers.query(conn.node, conn.database, "truncate pgbench_history");
  const commitMs = await commitLatencyMs(ctx);
  const { tps, latencyMs } = modelTps(clients, scale, commitMs);
  const modelled = "seconds" in limit ? Math.floor(tps * limit.seconds) : limit.perClient * clients;
  const seconds = "seconds" in limit ? limit.seconds : modelled / tps;
  const rng = rngOf(ctx);
  const real = Math.min(REAL_TRANSACTIONS, modelled);
  for (let i = 0; i < real; i++) {
    const aid = 1 + rng.int(100000 * scale);
    const bid = 1 + rng.int(scale);
    const tid = 1 + rng.int(10 * scale);
    const delta = rng.int(10001) - 5000;
    await pg.servers.query(
      conn.node,
      conn.database,
      `BEGIN; UPDATE pgbench_accounts SET abalance = abalance + ${delta} WHERE aid = ${aid}; SELECT abalance FROM pgbench_accounts WHERE aid = ${aid}; UPDATE pgbench_tellers SET tbalance = tbalance + ${delta} WHERE tid = ${tid}; UPDATE pgbench_branches SET bbalance = bbalance + ${delta} WHERE bid = ${bid}; INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (${tid}, ${bid}, ${aid}, ${delta}, CURRENT_TIMESTAMP); END;`,
    );
  }
  ctx.world.clock.advanceBy(seconds * US_PER_S);
  const connMs = 2.1 + 0.9 * clients;
  const out =
    `pgbench (${pg.version})\nstarting vacuum...end.\ntransaction type: <builtin: TPC-B (sort of)>\nscaling factor: ${scale}\nquery mode: simple\n` +
    `number of clients: ${clients}\nnumber of threads: ${threads}\nmaximum number of tries: 1\n` +
    ("seconds" in limit ? `duration: ${seconds} s\n` : `number of transactions per client: ${limit.perClient}\n`) +
    `number of transactions actually processed: ${modelled}\nnumber of failed transactions: 0 (0.000%)\n` +
    `latency average = ${latencyMs.toFixed(3)} ms\ninitial connection time = ${connMs.toFixed(3)} ms\ntps = ${tps.toFixed(6)} (without initial connection time)\n`;
  return ok(out);
}

export const pgbenchCommand: CommandSpec = {
  name: "pgbench",
  where: "node",
  async run(ctx) {
    const g = getopt(
      ctx.args,
      {
        "-s": "s",
        "--scale": "s",
        "-c": "c",
        "--client": "c",
        "-j": "j",
        "--jobs": "j",
        "-T": "T",
        "--time": "T",
        "-t": "t",
        "-U": "U",
        "-h": "h",
        "-p": "p",
        "-I": "I",
      },
      { "-i": "i", "--initialize": "i", "-n": "n", "--no-vacuum": "n", "-q": "q", "-S": "S" },
    );
    if (g.error) return fail(`pgbench: error: ${g.error}\npgbench: hint: Try "pgbench --help" for more information.`);
    const num = (k: string, def: number, what: string): number | ExecResult => {
      const v = g.opts[k];
      if (v === undefined) return def;
      const n = Number(v);
      return Number.isInteger(n) && n > 0 ? n : fail(`pgbench: error: invalid ${what}: "${v}"`);
    };
    const conn = await connect(ctx, "pgbench", { host: g.opts.h, port: g.opts.p, db: g.rest[0], user: g.opts.U });
    if ("exitCode" in conn) return conn;
    if (g.opts.i) {
      const s = num("s", 1, "scaling factor");
      if (typeof s !== "number") return s;
      // PGlite keeps the whole cluster in its WebAssembly heap: bound it like the sandbox bounds files.
      if (s > MAX_SCALE) return fail(`pgbench: error: scaling factor ${s} is above this lab's limit (${MAX_SCALE})`);
      return init(ctx, conn, s);
    }
    const c = num("c", 1, "number of clients");
    const j = num("j", 1, "number of threads");
    const T = num("T", 0, "duration");
    const t = num("t", 10, "number of transactions");
    if (typeof c !== "number") return c;
    if (typeof j !== "number") return j;
    if (typeof T !== "number") return T;
    if (typeof t !== "number") return t;
    if (g.opts.T !== undefined && g.opts.t !== undefined)
      return fail("pgbench: error: specify either a number of transactions (-t) or a duration (-T), not both");
    if (j > c)
      return fail(`pgbench: error: number of threads (${j}) must be less than or equal to number of clients (${c})`);
    return runBench(ctx, conn, c, j, g.opts.T !== undefined ? { seconds: T } : { perClient: t });
  },
};
