import type { IncomingMessage, ServerResponse } from "node:http";
import { JsonReply, type LabApi, type LabReply, type LabRequest } from "@/lib/labs/http";
import type { Handler } from "./front";

/**
 * The lab API's per-command routes, served by the front server itself (scripts/serve.ts) with
 * the lab API's own handlers (lib/labs/http.ts: session, ownership, zod, rate limit), after the
 * front server's checks and headers, without Next's router. A learner sends about a command a
 * second; Next's route handling (request context, async hooks, response wrapping) cost more CPU
 * than the command itself. The app/api/labs route files stay (same handlers) for `next dev`.
 *
 * Only POST on these three paths is taken; anything else goes to `next`.
 */
const ROUTE = /^\/api\/labs\/sessions\/([^/?#]+)\/(exec|interrupt|advance)\/?$/;

type Action = "exec" | "interrupt" | "advance";

/** `[sessionId, action]` when the request is one of the per-command routes. */
export function matchLabRoute(method: string | undefined, url: string | undefined): [string, Action] | undefined {
  if (method !== "POST") return undefined;
  const m = ROUTE.exec((url ?? "/").split("?")[0] ?? "/");
  if (!m) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(m[1] as string);
  } catch {
    return undefined; // malformed escape: Next answers it as it always did
  }
  return [id, m[2] as Action];
}

/** The request's headers as the front handler left them (client address, CSP nonce, body length). */
function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  return headers;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const utf8 = new TextDecoder();

/** Writes the reply on `res`: JSON at once; a web Response's streamed body chunk by chunk (NDJSON). */
async function send(response: LabReply, res: ServerResponse, gone: AbortSignal): Promise<void> {
  if (JsonReply.is(response)) {
    // as Response.json would send it, without building one
    const body = Buffer.from(JSON.stringify(response.body));
    res.writeHead(response.status, {
      "content-type": "application/json",
      ...response.headers,
      "content-length": String(body.length),
    });
    res.end(body);
    return;
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => {
    headers[k] = v;
  });
  const streamed = (headers["content-type"] ?? "").startsWith("application/x-ndjson");
  if (!streamed || !response.body) {
    const body = Buffer.from(await response.arrayBuffer());
    headers["content-length"] = String(body.length);
    res.writeHead(response.status, headers);
    res.end(body);
    return;
  }
  res.writeHead(response.status, headers);
  res.flushHeaders();
  const reader = response.body.getReader();
  gone.addEventListener("abort", () => void reader.cancel().catch(() => {}), { once: true });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!res.writableEnded && !res.destroyed) res.write(value);
  }
  if (!res.writableEnded) res.end();
}

/**
 * A handler in front of `next`: the per-command lab routes go to `api()` (created on first use),
 * everything else to `next`.
 */
export function withLabRoutes(api: () => LabApi, next: Handler): Handler {
  return (req, res) => {
    const route = matchLabRoute(req.method, req.url);
    if (!route) return next(req, res);
    return serveLabRoute(api(), route, req, res);
  };
}

async function serveLabRoute(api: LabApi, [id, action]: [string, Action], req: IncomingMessage, res: ServerResponse) {
  // the client gone before the reply is complete (page closed, reload): a streamed command is interrupted
  const gone = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) gone.abort();
  });
  try {
    const body = await readBody(req);
    const host = req.headers.host ?? "localhost";
    // what the handlers read of a request, without a web Request (its body stream, its signal)
    const request: LabRequest = {
      url: `http://${host}${req.url ?? "/"}`,
      headers: toHeaders(req),
      signal: gone.signal,
      // as Request.text(): UTF-8, a BOM dropped, malformed bytes replaced
      text: async () => utf8.decode(body),
    };
    await send(await api.raw[action](request, id), res, gone.signal);
  } catch (e) {
    console.error(`lab ${action} failed`, e);
    if (!res.headersSent) {
      const body = JSON.stringify({ error: "Erreur du serveur." });
      res.writeHead(500, {
        "content-type": "application/json; charset=utf-8",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
    } else res.destroy();
  }
}
