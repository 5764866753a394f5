/**
 * The PostgreSQL engine behind the lab's `postgres`: PGlite (real PostgreSQL compiled to
 * WebAssembly). It is imported lazily, the first time a lab starts a server or runs initdb,
 * so labs without PostgreSQL never load its ~10 MB of WebAssembly.
 *
 * Two things are adapted here:
 * - storage: PGDATA is an emscripten MEMFS whose changes are handed, after every query, to a
 *   StorageBackend (see node-backend.ts) that writes them to the node's filesystem;
 * - time: PostgreSQL reads the wall clock through WASI `clock_time_get` / `emscripten_date_now`.
 *   We wrap those imports so that CLOCK_REALTIME is the lab's virtual wall clock. NOW(), commit
 *   timestamps, checkpoint times in pg_control are then the same in every replay, and so are
 *   the bytes written to the data directory (the monotonic clock, used only for timeouts and
 *   statistics, stays real).
 */
import type { PGlite as PGliteT } from "@electric-sql/pglite";
import type { StorageBackend } from "@electric-sql/pglite/memfs-frontend";

export type PGlite = PGliteT;

type PgliteModule = typeof import("@electric-sql/pglite");
type MemfsModule = typeof import("@electric-sql/pglite/memfs-frontend");

let loading: Promise<{ pglite: PgliteModule; memfs: MemfsModule }> | undefined;

/** Load the PGlite modules once per process. */
export function loadPglite(): Promise<{ pglite: PgliteModule; memfs: MemfsModule }> {
  loading ??= Promise.all([import("@electric-sql/pglite"), import("@electric-sql/pglite/memfs-frontend")]).then(
    ([pglite, memfs]) => ({ pglite, memfs }),
  );
  return loading;
}

type Imports = Record<string, Record<string, unknown>>;
type Instantiate = (
  imports: Imports,
  done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
) => unknown;

/** Replace the wall-clock imports of the PostgreSQL module by the lab's virtual clock. */
function virtualClockImports(
  imports: Imports,
  wallMs: () => number,
  memory: () => WebAssembly.Memory | undefined,
): Imports {
  const env = { ...(imports.env ?? {}) };
  if (typeof env.emscripten_date_now === "function") env.emscripten_date_now = () => wallMs();
  const wasi = { ...(imports.wasi_snapshot_preview1 ?? {}) };
  const realClock = wasi.clock_time_get as ((id: number, precision: bigint, ptr: number) => number) | undefined;
  if (realClock) {
    wasi.clock_time_get = (id: number, precision: bigint, ptr: number): number => {
      const mem = memory();
      if (id !== 0 || !mem) return realClock(id, precision, ptr); // 0 = CLOCK_REALTIME
      new DataView(mem.buffer).setBigUint64(ptr, BigInt(Math.round(wallMs())) * 1_000_000n, true);
      return 0;
    };
  }
  return { ...imports, env, wasi_snapshot_preview1: wasi };
}

export interface OpenOptions {
  backend: StorageBackend;
  /** The database to connect to (PGlite serves one database per instance). */
  database: string;
  /** Lab wall clock in milliseconds since 1970 (virtual). */
  wallMs: () => number;
}

/**
 * Settings of the lab's servers beyond PGlite's defaults. Shared memory: PostgreSQL maps its
 * shared buffers anonymously, which emscripten implements as malloc + memset, so the whole
 * pool is resident from the start (Linux maps it lazily: buffers never used cost nothing).
 * Measured with one process and three instances: ~220 MiB RSS per instance at 128MB, ~100 at
 * 16MB; the lab's databases (pgbench -s 10 included, which writes through a
 * ring of buffers anyway) fit in 16MB of cache. wal_buffers stays what 128MB gave (4MB, it is
 * derived from shared_buffers), so WAL is written at the same points as before.
 * The compiled WebAssembly.Module is already one per process: PGlite caches it by URL in Node
 * (each instance only instantiates it, with its own memory).
 */
export const SHARED_BUFFERS = "16MB";
export const LAB_SERVER_SETTINGS: readonly string[] = [
  "-c",
  `shared_buffers=${SHARED_BUFFERS}`,
  "-c",
  "wal_buffers=4MB",
];

/**
 * Instances opened and closed in this thread so far. A closed instance's WebAssembly memory
 * (~100 MiB and more) is freed only by a full garbage collection, which V8 does not schedule for
 * it (it does not count that memory as the heap's); the host collects when instances were
 * closed (lib/labs/worker/collect.ts). Statistics only: nothing in a lab depends on them.
 */
const instanceCounts = { opened: 0, closed: 0 };

export function pgliteInstances(): Readonly<{ opened: number; closed: number }> {
  return instanceCounts;
}

/** Start PostgreSQL on the files the backend loads. */
export async function openPglite(opts: OpenOptions): Promise<PGlite> {
  const pg = await createPglite(opts);
  instanceCounts.opened++;
  const close = pg.close.bind(pg);
  pg.close = async () => {
    try {
      await close();
    } finally {
      instanceCounts.closed++;
    }
  };
  return pg;
}

async function createPglite(opts: OpenOptions): Promise<PGlite> {
  const { pglite, memfs } = await loadPglite();
  let mem: WebAssembly.Memory | undefined;
  class LabFs extends memfs.MemfsFrontendFS {
    override async init(pg: PGlite, emOpts: Parameters<InstanceType<MemfsModule["MemfsFrontendFS"]>["init"]>[1]) {
      const r = await super.init(pg, emOpts);
      const em = r.emscriptenOpts as { instantiateWasm?: Instantiate };
      const inner = em.instantiateWasm;
      if (inner) {
        em.instantiateWasm = (imports, done) =>
          inner(
            virtualClockImports(imports, opts.wallMs, () => mem),
            (instance, module) => {
              const exported = instance.exports.memory;
              if (exported instanceof WebAssembly.Memory) mem = exported;
              done(instance, module);
            },
          );
      }
      return r;
    }
  }
  return pglite.PGlite.create({
    fs: new LabFs(opts.backend),
    database: opts.database,
    username: "postgres",
    startParams: [...pglite.PGlite.defaultStartParams, ...LAB_SERVER_SETTINGS],
  });
}

// ---- simple query protocol -----------------------------------------------------------------

export interface PgField {
  name: string;
  dataTypeID: number;
}

export interface PgNotice {
  severity: string;
  message: string;
  detail?: string;
  hint?: string;
  position?: number;
}

/** One statement's result, as psql receives it. */
export interface StatementResult {
  fields?: PgField[];
  rows: (string | null)[][];
  /** CommandComplete tag: "INSERT 0 1000", "CREATE TABLE", "SELECT 1". */
  tag?: string;
  error?: PgNotice;
}

export interface SimpleQueryResult {
  statements: StatementResult[];
  notices: PgNotice[];
  /** Transaction status after the query: I (idle), T (in transaction), E (failed transaction). */
  status: string;
}

function queryMessage(sql: string): Uint8Array {
  const body = new TextEncoder().encode(sql);
  const msg = new Uint8Array(1 + 4 + body.length + 1);
  msg[0] = 0x51; // 'Q'
  new DataView(msg.buffer).setInt32(1, 4 + body.length + 1);
  msg.set(body, 5);
  return msg;
}

interface RawNotice {
  severity?: string;
  message?: string;
  detail?: string;
  hint?: string;
  position?: string;
}

function notice(m: RawNotice): PgNotice {
  return {
    severity: m.severity ?? "ERROR",
    message: m.message ?? "",
    ...(m.detail ? { detail: m.detail } : {}),
    ...(m.hint ? { hint: m.hint } : {}),
    ...(m.position ? { position: Number(m.position) } : {}),
  };
}

/**
 * Run SQL through the simple query protocol, like psql -c does: several statements, each
 * with its own result and CommandComplete tag; an error aborts the rest.
 */
export async function simpleQuery(pg: PGlite, sql: string): Promise<SimpleQueryResult> {
  const notices: PgNotice[] = [];
  const { messages } = await pg.execProtocol(queryMessage(sql), {
    throwOnError: false,
    onNotice: (n) => notices.push(notice(n as RawNotice)),
  });
  const statements: StatementResult[] = [];
  let cur: StatementResult = { rows: [] };
  let status = "I";
  for (const m of messages as { name: string }[]) {
    if (m.name === "rowDescription") {
      const f = (m as unknown as { fields: PgField[] }).fields;
      cur.fields = f.map((x) => ({ name: x.name, dataTypeID: x.dataTypeID }));
    } else if (m.name === "dataRow") cur.rows.push([...(m as unknown as { fields: (string | null)[] }).fields]);
    else if (m.name === "commandComplete") {
      cur.tag = (m as unknown as { text: string }).text;
      statements.push(cur);
      cur = { rows: [] };
    } else if (m.name === "emptyQuery") cur = { rows: [] };
    else if (m.name === "error") {
      cur.error = notice(m as unknown as RawNotice);
      statements.push(cur);
      cur = { rows: [] };
    } else if (m.name === "notice") notices.push(notice(m as unknown as RawNotice));
    else if (m.name === "readyForQuery") status = (m as unknown as { status: string }).status;
  }
  return { statements, notices, status };
}
