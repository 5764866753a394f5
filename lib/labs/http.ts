import { z } from "zod";
import { LabCache } from "./cache";
import { isConfigPath } from "./files";
import { CommandRateLimiter, FR_TOO_MANY, frFileTooLong, frTooLong, type LabLimits, limitsFromEnv } from "./limits";
import {
  advanceTime,
  benchmarkRuns,
  configFiles,
  execCommand,
  getLab,
  interrupt,
  LabNotFound,
  type LabServiceDeps,
  openLab,
  writeConfigFile,
} from "./service";

/** Who is calling: the user id, or the 401/403 response to send. */
export type Authenticate = (request: Request) => Promise<{ userId: string } | Response>;

export interface LabApiDeps extends LabServiceDeps {
  authenticate: Authenticate;
  limits: LabLimits;
  rate: CommandRateLimiter;
}

const TERMINAL = z.string().regex(/^(host|node\d)(#t\d{1,2})?$/, "Terminal inconnu.");

const openBody = z.object({ mode: z.enum(["resume", "reset", "previous"]).default("resume") }).strict();
const execBody = z.object({ terminal: TERMINAL, input: z.string() }).strict();
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

const json = (body: unknown, status = 200, headers?: HeadersInit) => Response.json(body, { status, headers });
const badRequest = (message: string) => json({ error: message }, 400);
const notFound = () => json({ error: "Lab introuvable." }, 404);

async function readJson<T>(request: Request, schema: z.ZodType<T>): Promise<T | Response> {
  let raw: unknown;
  try {
    const text = await request.text();
    raw = text === "" ? {} : JSON.parse(text);
  } catch {
    return badRequest("Requête invalide : le corps doit être du JSON.");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return badRequest(`Requête invalide : ${parsed.error.issues[0]?.message ?? "champ incorrect"}`);
  return parsed.data;
}

/** Runs a handler with the caller's identity; LabNotFound → 404 (never "it is someone else's"). */
async function guarded(deps: LabApiDeps, request: Request, fn: (userId: string) => Promise<Response>) {
  const who = await deps.authenticate(request);
  if (who instanceof Response) return who;
  try {
    return await fn(who.userId);
  } catch (e) {
    if (e instanceof LabNotFound) return notFound();
    throw e;
  }
}

function rateLimited(deps: LabApiDeps, userId: string): Response | undefined {
  const d = deps.rate.take(userId);
  if (d.allowed) return undefined;
  return json({ error: FR_TOO_MANY }, 429, { "Retry-After": String(d.retryAfterSeconds) });
}

/** The lab API's route handlers, built on injectable dependencies (tests use a temp database). */
export function createLabApi(deps: LabApiDeps) {
  return {
    /** POST /api/labs/[labId] { mode } → the learner's lab (created, resumed, reset). */
    open: (request: Request, labId: string) =>
      guarded(deps, request, async (userId) => {
        const body = await readJson(request, openBody);
        if (body instanceof Response) return body;
        if (body.mode !== "resume") {
          const limited = rateLimited(deps, userId);
          if (limited) return limited;
        }
        return json(await openLab(deps, userId, labId, body.mode));
      }),

    /** GET /api/labs/sessions/[id] → tabs, cluster, transcript. */
    get: (request: Request, sessionId: string) =>
      guarded(deps, request, async (userId) => json(await getLab(deps, userId, sessionId))),

    /** POST /api/labs/sessions/[id]/exec { terminal, input } */
    exec: (request: Request, sessionId: string) =>
      guarded(deps, request, async (userId) => {
        const body = await readJson(request, execBody);
        if (body instanceof Response) return body;
        if (body.input.length > deps.limits.maxInputChars) return badRequest(frTooLong(deps.limits.maxInputChars));
        if (body.input.includes("\u0000")) return badRequest("Requête invalide : caractère nul dans la commande.");
        const limited = rateLimited(deps, userId);
        if (limited) return limited;
        return json(await execCommand(deps, userId, sessionId, body));
      }),

    /** POST /api/labs/sessions/[id]/advance { ms } — capped: a request never jumps far ahead. */
    advance: (request: Request, sessionId: string) =>
      guarded(deps, request, async (userId) => {
        const body = await readJson(request, advanceBody);
        if (body instanceof Response) return body;
        const ms = Math.min(body.ms, deps.limits.maxAdvanceMs);
        return json(await advanceTime(deps, userId, sessionId, ms));
      }),

    /** GET /api/labs/sessions/[id]/files?node=node1 → { files: { path: text } } */
    files: (request: Request, sessionId: string) =>
      guarded(deps, request, async (userId) => {
        const node = new URL(request.url).searchParams.get("node") ?? "";
        if (!/^node\d$/.test(node)) return badRequest("Requête invalide : nœud inconnu.");
        return json({ files: await configFiles(deps, userId, sessionId, node) });
      }),

    /** POST /api/labs/sessions/[id]/files { path, content, nodes } → the file written on each node. */
    writeFile: (request: Request, sessionId: string) =>
      guarded(deps, request, async (userId) => {
        const body = await readJson(request, filesBody);
        if (body instanceof Response) return body;
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
    benchmarks: (request: Request) =>
      guarded(deps, request, async (userId) => json({ runs: await benchmarkRuns(deps, userId) })),

    /** POST /api/labs/sessions/[id]/interrupt — Ctrl-C. */
    interrupt: (request: Request, sessionId: string) =>
      guarded(deps, request, async (userId) => json({ interrupted: await interrupt(deps, userId, sessionId) })),
  };
}

export type LabApi = ReturnType<typeof createLabApi>;

/** Default dependencies from the environment. */
export function defaultLabApiDeps(db: LabServiceDeps["db"], authenticate: Authenticate): LabApiDeps {
  const limits = limitsFromEnv();
  return {
    db,
    authenticate,
    limits,
    rate: new CommandRateLimiter(limits),
    cache: new LabCache({
      maxEntries: Number(process.env.LAB_CACHE_MAX ?? 200),
      idleMs: Number(process.env.LAB_IDLE_MINUTES ?? 20) * 60_000,
    }),
  };
}
