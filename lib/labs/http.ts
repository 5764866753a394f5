import { z } from "zod";
import { isPostgresUrl } from "@/lib/database-url";
import { FR_LONE_SURROGATE, hasLoneSurrogate } from "@/lib/unicode";
import { EventLog } from "./event-log";
import { isConfigPath } from "./files";
import { CommandRateLimiter, FR_TOO_MANY, frFileTooLong, frTooLong, type LabLimits, limitsFromEnv } from "./limits";
import { LabPool } from "./pool";
import {
  advanceTime,
  benchmarkRuns,
  checkLab,
  configFiles,
  type ExecReply,
  type ExecTiming,
  execCommand,
  getLab,
  interrupt,
  LabNotFound,
  type LabServiceDeps,
  openLab,
  SessionRowCache,
  SessionToucher,
  serverTiming,
  writeConfigFile,
} from "./service";
import { LabStorageFull, StorageMeter } from "./storage";

/** Who is calling: the user id, or the 401/403 response to send. */
export type Authenticate = (request: Pick<Request, "headers">) => Promise<{ userId: string } | Response>;

/**
 * What the handlers read of a request: Next's `Request`, or the front server's lighter one
 * (lib/server/lab-routes.ts: no web Request built per command).
 */
export type LabRequest = Pick<Request, "headers" | "text" | "signal" | "url">;

/**
 * A JSON reply not yet made into a `Response`: the front server writes it on the socket at once
 * (a web Response, its body stream read back, cost more than the rest of a light command's route).
 */
const JSON_REPLY = Symbol.for("drbd-lab.JsonReply");

export class JsonReply {
  /** Known by this mark, not by `instanceof`: `npm start`'s front server (scripts/serve.ts) and
   * the handlers bundled by Next each have their own copy of this class. */
  readonly [JSON_REPLY] = true;

  static is(r: unknown): r is JsonReply {
    return typeof r === "object" && r !== null && (r as { [JSON_REPLY]?: unknown })[JSON_REPLY] === true;
  }

  constructor(
    readonly status: number,
    readonly body: unknown,
    /** Header names in lower case. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}

  toResponse(): Response {
    return Response.json(this.body, { status: this.status, headers: this.headers });
  }
}

export type LabReply = Response | JsonReply;

const toResponse = (r: LabReply): Response => (JsonReply.is(r) ? r.toResponse() : r);

export interface LabApiDeps extends LabServiceDeps {
  authenticate: Authenticate;
  limits: LabLimits;
  rate: CommandRateLimiter;
}

const TERMINAL = z.string().regex(/^(host|node\d)(#t\d{1,2})?$/, "Terminal inconnu.");

const openBody = z.object({ mode: z.enum(["resume", "reset", "previous"]).default("resume") }).strict();
const execBody = z.object({ terminal: TERMINAL, input: z.string(), stream: z.boolean().optional() }).strict();
const filesBody = z
  .object({
    path: z.string().refine(isConfigPath, "Fichier de configuration DRBD attendu (/etc/drbd.conf, /etc/drbd.d/*.res)."),
    content: z.string(),
    nodes: z
      .array(z.string().regex(/^node\d$/, "Nœud inconnu."))
      .min(1)
      .max(8),
  })
  .strict();
const advanceBody = z.object({ ms: z.number().int().positive() }).strict();

const json = (body: unknown, status = 200, headers?: Record<string, string>) => new JsonReply(status, body, headers);
/**
 * A command's reply: small (under 1 KiB), sent about once a second per learner. `no-transform`
 * keeps Next from gzipping it (a zlib stream per reply cost more CPU than the lab API's queries).
 */
const SMALL = { "cache-control": "no-store, no-transform" };
const small = (body: unknown) => json(body, 200, SMALL);
const badRequest = (message: string) => json({ error: message }, 400);
const notFound = () => json({ error: "Lab introuvable." }, 404);

async function readJson<T>(request: LabRequest, schema: z.ZodType<T>): Promise<T | JsonReply> {
  let raw: unknown;
  try {
    const text = await request.text();
    raw = text === "" ? {} : JSON.parse(text);
  } catch {
    return badRequest("Requête invalide : le corps doit être du JSON.");
  }
  if (hasLoneSurrogate(raw)) return json({ error: FR_LONE_SURROGATE }, 400);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return badRequest(`Requête invalide : ${parsed.error.issues[0]?.message ?? "champ incorrect"}`);
  return parsed.data;
}

/** Runs a handler with the caller's identity; LabNotFound → 404 (never "it is someone else's"). */
async function guarded(
  deps: LabApiDeps,
  request: LabRequest,
  fn: (userId: string) => Promise<LabReply>,
): Promise<LabReply> {
  const who = await deps.authenticate(request);
  if (who instanceof Response) return who;
  try {
    return await fn(who.userId);
  } catch (e) {
    if (e instanceof LabNotFound) return notFound();
    if (e instanceof LabStorageFull) return json({ error: e.message }, 507);
    throw e;
  }
}

function rateLimited(deps: LabApiDeps, userId: string): JsonReply | undefined {
  const d = deps.rate.take(userId);
  if (d.allowed) return undefined;
  return json({ error: FR_TOO_MANY }, 429, { "retry-after": String(d.retryAfterSeconds) });
}

/** One line of a streamed exec reply (application/x-ndjson). */
export type ExecStreamMessage =
  | { type: "output"; stream: "stdout" | "stderr"; text: string }
  | { type: "cluster"; cluster: ExecReply["cluster"] }
  | { type: "done"; reply: ExecReply }
  | { type: "error"; error: string };

/**
 * The command's output as it is printed, the cluster as it changes, then the reply, one JSON
 * object per line. The page going away (the request aborted, the stream cancelled) is a Ctrl-C.
 */
function streamedExec(
  deps: LabApiDeps,
  request: LabRequest,
  userId: string,
  sessionId: string,
  cmd: { terminal: string; input: string },
): Response {
  const encoder = new TextEncoder();
  const gone = new AbortController();
  request.signal.addEventListener("abort", () => gone.abort(), { once: true });
  let closed = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (m: ExecStreamMessage) => {
        if (!closed) controller.enqueue(encoder.encode(`${JSON.stringify(m)}\n`));
      };
      execCommand(deps, userId, sessionId, cmd, {
        onOutput: (c) => send({ type: "output", stream: c.stream, text: c.text }),
        onCluster: (cluster) => send({ type: "cluster", cluster }),
        signal: gone.signal,
      })
        .then((reply) => send({ type: "done", reply }))
        .catch((e: unknown) => {
          const known = e instanceof LabNotFound || e instanceof LabStorageFull;
          if (!known) console.error("lab exec failed", e);
          send({
            type: "error",
            error: known ? (e instanceof LabNotFound ? "Lab introuvable." : e.message) : "Erreur du serveur.",
          });
        })
        .finally(() => {
          if (closed) return;
          closed = true;
          controller.close();
        });
    },
    cancel() {
      closed = true;
      gone.abort();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      // no buffering on the way: each line is shown when it comes
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
}

/** The lab API's handlers, replying with a JsonReply when the reply is JSON (see createLabApi). */
function labHandlers(deps: LabApiDeps) {
  return {
    /** POST /api/labs/[labId] { mode } → the learner's lab (created, resumed, reset). */
    open: (request: LabRequest, labId: string) =>
      guarded(deps, request, async (userId) => {
        const body = await readJson(request, openBody);
        if (JsonReply.is(body)) return body;
        if (body.mode !== "resume") {
          const limited = rateLimited(deps, userId);
          if (limited) return limited;
        }
        return json(await openLab(deps, userId, labId, body.mode));
      }),

    /** GET /api/labs/sessions/[id] → tabs, cluster, transcript. */
    get: (request: LabRequest, sessionId: string) =>
      guarded(deps, request, async (userId) => json(await getLab(deps, userId, sessionId))),

    /** POST /api/labs/sessions/[id]/exec { terminal, input, stream? } — stream: NDJSON (ExecStreamMessage). */
    exec: (request: LabRequest, sessionId: string) => {
      const t0 = performance.now();
      return guarded(deps, request, async (userId) => {
        const body = await readJson(request, execBody);
        if (JsonReply.is(body)) return body;
        if (body.input.length > deps.limits.maxInputChars) return badRequest(frTooLong(deps.limits.maxInputChars));
        if (body.input.includes("\u0000")) return badRequest("Requête invalide : caractère nul dans la commande.");
        const limited = rateLimited(deps, userId);
        if (limited) return limited;
        const cmd = { terminal: body.terminal, input: body.input };
        if (!body.stream) {
          let timing: ExecTiming | undefined;
          const reply = await execCommand(deps, userId, sessionId, cmd, undefined, (t) => {
            timing = t;
          });
          const headers: Record<string, string> = { ...SMALL };
          if (timing) headers["server-timing"] = serverTiming({ ...timing, total: performance.now() - t0 });
          return json(reply, 200, headers);
        }
        await checkLab(deps, userId, sessionId);
        return streamedExec(deps, request, userId, sessionId, cmd);
      });
    },

    /** POST /api/labs/sessions/[id]/advance { ms } — capped: a request never jumps far ahead. */
    advance: (request: LabRequest, sessionId: string) =>
      guarded(deps, request, async (userId) => {
        const body = await readJson(request, advanceBody);
        if (JsonReply.is(body)) return body;
        const ms = Math.min(body.ms, deps.limits.maxAdvanceMs);
        return small(await advanceTime(deps, userId, sessionId, ms));
      }),

    /** GET /api/labs/sessions/[id]/files?node=node1 → { files: { path: text } } */
    files: (request: LabRequest, sessionId: string) =>
      guarded(deps, request, async (userId) => {
        const node = new URL(request.url).searchParams.get("node") ?? "";
        if (!/^node\d$/.test(node)) return badRequest("Requête invalide : nœud inconnu.");
        return json({ files: await configFiles(deps, userId, sessionId, node) });
      }),

    /** POST /api/labs/sessions/[id]/files { path, content, nodes } → the file written on each node. */
    writeFile: (request: LabRequest, sessionId: string) =>
      guarded(deps, request, async (userId) => {
        const body = await readJson(request, filesBody);
        if (JsonReply.is(body)) return body;
        if (body.content.length > deps.limits.maxFileChars) return badRequest(frFileTooLong(deps.limits.maxFileChars));
        const limited = rateLimited(deps, userId);
        if (limited) return limited;
        try {
          const replies = await writeConfigFile(deps, userId, sessionId, body);
          const last = replies.at(-1);
          return json({ written: replies.map((r) => r.entry), tabs: last?.tabs, cluster: last?.cluster });
        } catch (e) {
          if (e instanceof RangeError) return badRequest(e.message);
          throw e;
        }
      }),

    /** GET /api/labs/benchmarks → the learner's benchmark.sh runs. */
    benchmarks: (request: LabRequest) =>
      guarded(deps, request, async (userId) => json({ runs: await benchmarkRuns(deps, userId) })),

    /** POST /api/labs/sessions/[id]/interrupt — Ctrl-C. */
    interrupt: (request: LabRequest, sessionId: string) =>
      guarded(deps, request, async (userId) => small({ interrupted: await interrupt(deps, userId, sessionId) })),
  };
}

type Handlers = ReturnType<typeof labHandlers>;

/**
 * The lab API's route handlers, built on injectable dependencies (tests use a temp database):
 * each answers a `Response` (Next's route files); `raw` are the same handlers answering a
 * JsonReply where the reply is JSON (the front server's per-command routes write it directly).
 */
export function createLabApi(deps: LabApiDeps) {
  const raw = labHandlers(deps);
  const wrap =
    <A extends unknown[]>(fn: (request: LabRequest, ...args: A) => Promise<LabReply>) =>
    async (request: Request, ...args: A): Promise<Response> =>
      toResponse(await fn(request, ...args));
  return {
    open: wrap(raw.open),
    get: wrap(raw.get),
    exec: wrap(raw.exec),
    advance: wrap(raw.advance),
    files: wrap(raw.files),
    writeFile: wrap(raw.writeFile),
    benchmarks: wrap(raw.benchmarks),
    interrupt: wrap(raw.interrupt),
    raw: raw as Handlers,
  };
}

export type LabApi = ReturnType<typeof createLabApi>;

/** Default dependencies from the environment (LAB_WORKERS, LAB_CACHE_MAX, LAB_IDLE_MINUTES). */
export function defaultLabApiDeps(
  db: LabServiceDeps["db"],
  authenticate: Authenticate,
  databaseUrl: string,
): LabApiDeps {
  const limits = limitsFromEnv();
  const labs = new LabPool({ idleMs: Number(process.env.LAB_IDLE_MINUTES ?? 20) * 60_000 });
  return {
    db,
    authenticate,
    limits,
    rate: new CommandRateLimiter(limits),
    labs,
    sessions: new SessionRowCache(),
    touches: new SessionToucher(db),
    // several servers may share a PostgreSQL database: its quota is read at each command there
    meter: isPostgresUrl(databaseUrl) ? undefined : new StorageMeter(),
    // SQLite: its own connection and prepared INSERT; PostgreSQL: one INSERT through Prisma's pool
    events: isPostgresUrl(databaseUrl) ? undefined : new EventLog(databaseUrl),
  };
}
