import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { BlockList, isIP } from "node:net";

/**
 * The first code every HTTP request meets, before Next.js (scripts/serve.ts puts it in front
 * of Next's request handler). It decides, once per request and from the socket:
 *
 * - the client address: the socket's, unless the socket is a trusted proxy (TRUSTED_PROXIES);
 *   the result replaces X-Forwarded-For, so every rate limit downstream keys on it;
 * - the body: at most `maxBodyBytes`, 413 before reading past it (Content-Length or chunked);
 * - state-changing requests from a foreign or `null` Origin: 403;
 * - JSON API bodies that are not `application/json`: 415;
 * - the security headers (CSP with a per-request nonce, HSTS when the public URL is https).
 */
export interface FrontOptions {
  /** Addresses or CIDRs of the reverse proxies allowed to report the client address. */
  trustedProxies: string[];
  maxBodyBytes: number;
  /** Origins allowed to send state-changing requests (besides the request's own host). */
  allowedOrigins: string[];
  /** Send Strict-Transport-Security (the public URL is https). */
  hsts: boolean;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const HSTS = "max-age=31536000; includeSubDomains";

/** Settings from the environment, decided once when the server starts. */
export function frontOptionsFromEnv(env: Partial<NodeJS.ProcessEnv> = process.env): FrontOptions {
  const list = (v: string | undefined) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const publicUrl = env.BETTER_AUTH_URL?.trim();
  const rawMax = env.MAX_REQUEST_BYTES?.trim();
  const maxBodyBytes = rawMax ? Number.parseInt(rawMax, 10) : DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1024) {
    throw new Error(`MAX_REQUEST_BYTES must be an integer ≥ 1024, got "${rawMax}"`);
  }
  const trustedProxies = list(env.TRUSTED_PROXIES);
  proxyList(trustedProxies); // fail at start on a typo, not on the first request
  return {
    trustedProxies,
    maxBodyBytes,
    allowedOrigins: [...(publicUrl ? [new URL(publicUrl).origin] : []), ...list(env.BETTER_AUTH_TRUSTED_ORIGINS)],
    hsts: publicUrl?.startsWith("https://") ?? false,
  };
}

/** `::ffff:10.0.0.1` → `10.0.0.1`; anything else unchanged. */
function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

function proxyList(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const family = isIP(address);
    if (family === 0) throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(address, type);
    else {
      const bits = Number(prefix);
      if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
        throw new Error(`TRUSTED_PROXIES: "${entry}" has an invalid prefix length`);
      }
      list.addSubnet(address, bits, type);
    }
  }
  return list;
}

/**
 * The client's address: the socket peer, or — when the peer is a trusted proxy — the rightmost
 * X-Forwarded-For entry that is not itself a trusted proxy. Entries left of it were written by
 * the client and are never believed.
 */
export function resolveClientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trusted: BlockList,
): string {
  const isTrusted = (a: string) => {
    const family = isIP(a);
    return family !== 0 && trusted.check(a, family === 4 ? "ipv4" : "ipv6");
  };
  let client = plainAddress(socketAddress ?? "") || "unknown";
  if (!isTrusted(client)) return client;
  const hops = (forwardedFor ?? "")
    .split(",")
    .map((h) => plainAddress(h.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (isIP(hop) === 0) return client; // garbage: stop at the last address we could trust
    client = hop;
    if (!isTrusted(hop)) return hop;
  }
  return client;
}

function originAllowed(origin: string, host: string | undefined, allowed: string[]): boolean {
  if (origin === "null") return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (host && url.host === host) return true; // same origin as the request itself
  return allowed.some((pattern) => {
    if (!pattern.includes("*")) return pattern === url.origin;
    const re = new RegExp(`^${pattern.split("*").map(escapeRegExp).join("[^/]*")}$`);
    return re.test(url.origin);
  });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The Content-Security-Policy of every response; scripts run only with this request's nonce. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function refuse(res: ServerResponse, status: number, error: string): void {
  const body = JSON.stringify({ error });
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    connection: "close",
  });
  res.end(body);
}

const FR_TOO_LARGE = "Requête trop volumineuse.";
const FR_FOREIGN_ORIGIN = "Requête refusée : origine non autorisée.";
const FR_FORM_ONLY = "Requête invalide : formulaire attendu.";
const FR_MALFORMED_FORM = "Requête invalide : formulaire mal formé.";
const FR_JSON_ONLY = "Requête invalide : le corps doit être du JSON (Content-Type: application/json).";

function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

function isJsonType(contentType: string | undefined): boolean {
  return mediaType(contentType) === "application/json";
}

/** Wraps `next` (Next's request handler) with the checks above. */
export function createFrontHandler(options: FrontOptions, next: Handler): Handler {
  const trusted = proxyList(options.trustedProxies);
  return (req, res) => {
    // 1. the client address, from the socket; forwarded headers only from a trusted proxy
    const fromProxy = (() => {
      const peer = plainAddress(req.socket.remoteAddress ?? "");
      const family = isIP(peer);
      return family !== 0 && trusted.check(peer, family === 4 ? "ipv4" : "ipv6");
    })();
    const forwardedFor = req.headers["x-forwarded-for"];
    req.headers["x-forwarded-for"] = resolveClientAddress(
      req.socket.remoteAddress,
      Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor,
      trusted,
    );
    delete req.headers["x-real-ip"];
    if (!fromProxy) {
      delete req.headers["x-forwarded-host"];
      delete req.headers["x-forwarded-proto"];
      delete req.headers["x-forwarded-port"];
    }

    // 2. security headers (the nonce reaches Next through the request's CSP header)
    const nonce = randomBytes(16).toString("base64");
    const csp = contentSecurityPolicy(nonce);
    req.headers["content-security-policy"] = csp;
    delete req.headers["content-security-policy-report-only"];
    res.setHeader("content-security-policy", csp);
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("referrer-policy", "strict-origin-when-cross-origin");
    res.setHeader("x-frame-options", "DENY");
    if (options.hsts) res.setHeader("strict-transport-security", HSTS);

    const method = (req.method ?? "GET").toUpperCase();
    const path = (req.url ?? "/").split("?")[0] ?? "/";

    // 3. origin of state-changing requests
    if (!SAFE_METHODS.has(method)) {
      const origin = req.headers.origin;
      if (origin !== undefined) {
        if (!originAllowed(origin, req.headers.host, options.allowedOrigins)) {
          return refuse(res, 403, FR_FOREIGN_ORIGIN);
        }
      } else if (req.headers["sec-fetch-site"] === "cross-site") {
        return refuse(res, 403, FR_FOREIGN_ORIGIN);
      }
    }

    // 4. body size, then content type of the JSON API
    const declared = req.headers["content-length"];
    const chunked = declared === undefined && req.headers["transfer-encoding"] !== undefined;
    if (declared !== undefined) {
      const length = Number(declared);
      if (!Number.isSafeInteger(length) || length < 0) return refuse(res, 400, "Requête invalide.");
      if (length > options.maxBodyBytes) return refuse(res, 413, FR_TOO_LARGE);
    }
    const hasBody = chunked || Number(declared ?? 0) > 0;
    const api = path.startsWith("/api/");
    if (SAFE_METHODS.has(method) || !hasBody) {
      if (!chunked) return next(req, res);
    } else if (api && !isJsonType(req.headers["content-type"])) {
      return refuse(res, 415, FR_JSON_ONLY);
    } else if (!api) {
      // pages take form posts, and server-action calls: a form's FormData (multipart) or,
      // for an action without arguments (sign-out), React's JSON-encoded argument list
      const type = mediaType(req.headers["content-type"]);
      const action = req.headers["next-action"] !== undefined;
      const formType = type === "multipart/form-data" || type === "application/x-www-form-urlencoded";
      if (!formType && !(action && type === "text/plain")) return refuse(res, 415, FR_FORM_ONLY);
    }
    const form = !api && !SAFE_METHODS.has(method) && hasBody;
    if (!chunked && !form) return next(req, res);
    holdBody(req, options.maxBodyBytes, {
      tooLarge: () => refuse(res, 413, FR_TOO_LARGE),
      complete: async (body, replay) => {
        if (form && !(await wellFormedForm(body, req.headers["content-type"]))) {
          return refuse(res, 400, FR_MALFORMED_FORM);
        }
        replay();
        return next(req, res);
      },
    });
  };
}

/** A form body that the platform's own parser reads (multipart boundaries, encoding), or an argument list. */
async function wellFormedForm(body: Buffer, contentType: string | undefined): Promise<boolean> {
  try {
    if (mediaType(contentType) === "text/plain") return Array.isArray(JSON.parse(body.toString("utf8")));
    await new Response(new Uint8Array(body), { headers: { "content-type": contentType ?? "" } }).formData();
    return true;
  } catch {
    return false;
  }
}

/**
 * The body is received whole (at most `max` bytes) before Next sees the request: the HTTP
 * parser hands each chunk to `req.push`, which is held back here and replayed by `replay()`.
 * Past `max`, nothing more is kept and the request ends with 413.
 */
function holdBody(
  req: IncomingMessage,
  max: number,
  on: { tooLarge: () => void; complete: (body: Buffer, replay: () => void) => void | Promise<void> },
) {
  const push = req.push.bind(req);
  const held: Buffer[] = [];
  let size = 0;
  let over = false;
  req.push = (chunk: Buffer | null): boolean => {
    if (over) return false;
    if (chunk === null) {
      req.push = push;
      req.headers["content-length"] = String(size);
      delete req.headers["transfer-encoding"];
      const body = Buffer.concat(held);
      const replay = () => {
        if (body.length > 0) push(body);
        push(null);
      };
      void Promise.resolve(on.complete(body, replay)).catch((e: unknown) => req.destroy(e as Error));
      return false;
    }
    size += chunk.length;
    if (size > max) {
      over = true;
      held.length = 0;
      on.tooLarge();
      req.socket.destroySoon();
      return false;
    }
    held.push(chunk);
    return true;
  };
}
