import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BlockList } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFrontHandler, type FrontOptions, frontOptionsFromEnv, resolveClientAddress } from "./front";

const MAX = 64 * 1024;

/** Stands in for Next: reports what it received. */
function startServer(options: Partial<FrontOptions>): Promise<{ server: Server; base: string; seen: number[] }> {
  const seen: number[] = [];
  const opts: FrontOptions = {
    trustedProxies: [],
    maxBodyBytes: MAX,
    allowedOrigins: ["http://app.example"],
    hsts: false,
    ...options,
  };
  const server = createServer(
    createFrontHandler(opts, async (req, res) => {
      let bytes = 0;
      for await (const c of req) bytes += (c as Buffer).length;
      seen.push(bytes);
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          ip: req.headers["x-forwarded-for"],
          bytes,
          csp: req.headers["content-security-policy"],
          fwdHost: req.headers["x-forwarded-host"] ?? null,
        }),
      );
    }),
  );
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }),
    ),
  );
}

/** A raw request (http.request: nothing added or checked by a fetch implementation). */
function send(
  base: string,
  opts: { method?: string; path?: string; headers?: Record<string, string>; chunks?: Buffer[] },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${opts.path ?? "/api/x"}`,
      { method: opts.method ?? "POST", headers: opts.headers ?? {} },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", (e: NodeJS.ErrnoException) => {
      // the server may close before the whole body is sent: the response already came
      if (e.code !== "EPIPE" && e.code !== "ECONNRESET") reject(e);
    });
    for (const c of opts.chunks ?? []) req.write(c);
    req.end();
  });
}

const json = { "content-type": "application/json" };

describe("client address", () => {
  const none = new BlockList();
  const proxies = new BlockList();
  proxies.addSubnet("10.0.0.0", 8, "ipv4");
  proxies.addAddress("::1", "ipv6");

  it("is the socket's address when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(resolveClientAddress("203.0.113.7", "198.51.100.1", none)).toBe("203.0.113.7");
    expect(resolveClientAddress("::ffff:127.0.0.1", "198.51.100.1, 10.0.0.1", none)).toBe("127.0.0.1");
  });

  it("behind trusted proxies, is the rightmost untrusted hop (entries the client wrote are ignored)", () => {
    expect(resolveClientAddress("10.0.0.2", "203.0.113.7", proxies)).toBe("203.0.113.7");
    // the client prepends a victim's address: the proxy appended the real one
    expect(resolveClientAddress("10.0.0.2", "198.51.100.9, 203.0.113.7", proxies)).toBe("203.0.113.7");
    expect(resolveClientAddress("10.0.0.2", "198.51.100.9, 203.0.113.7, 10.1.2.3", proxies)).toBe("203.0.113.7");
    expect(resolveClientAddress("10.0.0.2", undefined, proxies)).toBe("10.0.0.2");
    expect(resolveClientAddress("10.0.0.2", "not-an-ip", proxies)).toBe("10.0.0.2");
  });

  it("reads TRUSTED_PROXIES, trusts nothing (not even loopback) by default and rejects typos", () => {
    expect(frontOptionsFromEnv({}).trustedProxies).toEqual([]);
    expect(frontOptionsFromEnv({ TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/8" }).trustedProxies).toEqual([
      "127.0.0.1",
      "10.0.0.0/8",
    ]);
    expect(() => frontOptionsFromEnv({ TRUSTED_PROXIES: "10.0.0.0/33" })).toThrow(/prefix/);
    expect(() => frontOptionsFromEnv({ TRUSTED_PROXIES: "proxy.local" })).toThrow(/not an IP/);
    expect(frontOptionsFromEnv({ BETTER_AUTH_URL: "https://lab.example/" }).hsts).toBe(true);
    expect(frontOptionsFromEnv({ BETTER_AUTH_URL: "http://localhost:3000" }).hsts).toBe(false);
  });
});

describe("front handler", () => {
  let direct: Awaited<ReturnType<typeof startServer>>;
  let proxied: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    direct = await startServer({});
    proxied = await startServer({ trustedProxies: ["127.0.0.1"], hsts: true });
  });
  afterAll(() => {
    direct.server.close();
    proxied.server.close();
  });

  it("replaces a spoofed X-Forwarded-For with the socket address (loopback is not trusted by default)", async () => {
    const res = await send(direct.base, {
      method: "GET",
      headers: { "x-forwarded-for": "198.51.100.1, 198.51.100.2", "x-forwarded-host": "evil.example" },
    });
    expect(JSON.parse(res.body)).toMatchObject({ ip: "127.0.0.1", fwdHost: null });
    const viaProxy = await send(proxied.base, {
      method: "GET",
      headers: { "x-forwarded-for": "198.51.100.1, 203.0.113.7", "x-forwarded-host": "lab.example" },
    });
    expect(JSON.parse(viaProxy.body)).toMatchObject({ ip: "203.0.113.7", fwdHost: "lab.example" });
  });

  it("refuses state-changing requests from a foreign or null Origin, or a cross-site fetch", async () => {
    const before = direct.seen.length;
    const body = [Buffer.from("{}")];
    for (const origin of ["http://evil.example", "null", "http://app.example.evil.example"]) {
      const res = await send(direct.base, { headers: { ...json, origin }, chunks: body });
      expect(res.status, origin).toBe(403);
    }
    const crossSite = await send(direct.base, { headers: { ...json, "sec-fetch-site": "cross-site" }, chunks: body });
    expect(crossSite.status).toBe(403);
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      expect((await send(direct.base, { method, headers: { ...json, origin: "null" } })).status).toBe(403);
    }
    // pages and server actions too, not only /api
    const action = await send(direct.base, { path: "/connexion", headers: { origin: "http://evil.example" } });
    expect(action.status).toBe(403);
    expect(direct.seen.length).toBe(before);
  });

  it("lets same-origin and configured origins through, and reads with any origin", async () => {
    const host = new URL(direct.base).host;
    const body = [Buffer.from("{}")];
    expect((await send(direct.base, { headers: { ...json, origin: direct.base }, chunks: body })).status).toBe(200);
    expect((await send(direct.base, { headers: { ...json, origin: "http://app.example" }, chunks: body })).status).toBe(
      200,
    );
    expect((await send(direct.base, { headers: { ...json, host }, chunks: body })).status).toBe(200);
    expect((await send(direct.base, { method: "GET", headers: { origin: "http://evil.example" } })).status).toBe(200);
  });

  it("requires application/json on API bodies (415), not on pages", async () => {
    const origin = direct.base;
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await send(direct.base, { headers: { origin, "content-type": type }, chunks: [Buffer.from("{}")] });
      expect(res.status, type).toBe(415);
    }
    const untyped = await send(direct.base, { headers: { origin }, chunks: [Buffer.from("{}")] });
    expect(untyped.status).toBe(415);
    const typed = await send(direct.base, {
      headers: { origin, "content-type": "application/json; charset=utf-8" },
      chunks: [Buffer.from("{}")],
    });
    expect(typed.status).toBe(200);
    const empty = await send(direct.base, { path: "/api/x/interrupt", headers: { origin, "content-length": "0" } });
    expect(empty.status).toBe(200);
  });

  it("takes only well-formed forms on pages (server actions): 415 for other types, 400 when malformed", async () => {
    const origin = direct.base;
    const post = (type: string, body: string) =>
      send(direct.base, { path: "/connexion", headers: { origin, "content-type": type }, chunks: [Buffer.from(body)] });
    expect((await post("text/plain;charset=UTF-8", '["$K1",{}]')).status).toBe(415); // not an action call
    const action = (body: string) =>
      send(direct.base, {
        path: "/formateur",
        headers: { origin, "content-type": "text/plain;charset=UTF-8", "next-action": "00ab" },
        chunks: [Buffer.from(body)],
      });
    expect((await action("garbage{{")).status).toBe(400);
    expect((await action('{"not":"a list"}')).status).toBe(400);
    expect((await action("[]")).status).toBe(200); // an action without arguments (sign-out)
    expect((await post("application/json", "{}")).status).toBe(415);
    expect((await post("multipart/form-data; boundary=xyz", "nonsense")).status).toBe(400);
    const multipart = ["--xyz", 'Content-Disposition: form-data; name="email"', "", "a@b.fr", "--xyz--", ""].join(
      "\r\n",
    );
    const before = direct.seen.length;
    const ok = await post("multipart/form-data; boundary=xyz", multipart);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).bytes).toBe(Buffer.byteLength(multipart)); // Next still gets the whole body
    expect((await post("application/x-www-form-urlencoded", "email=a%40b.fr")).status).toBe(200);
    expect(direct.seen.length).toBe(before + 2);
    expect((await action('["$K1",{}]')).status).toBe(200); // well-formed; the action validates its arguments
    // an action without arguments (sign-out) posts an empty body
    expect((await send(direct.base, { path: "/", headers: { origin, "content-length": "0" } })).status).toBe(200);
  });

  it("answers 413 to a body over the limit before reading it, with a Content-Length", async () => {
    const before = direct.seen.length;
    const big = Buffer.alloc(MAX + 1, 0x20);
    const res = await send(direct.base, {
      headers: { ...json, "content-length": String(100 * 1024 * 1024) },
      chunks: [big],
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toBe("Requête trop volumineuse.");
    expect(direct.seen.length).toBe(before);
  });

  it("answers 413 to a chunked body once it passes the limit, and passes smaller chunked bodies whole", async () => {
    const before = direct.seen.length;
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const big = await send(direct.base, { headers: json, chunks: Array.from({ length: 8 }, () => chunk) });
    expect(big.status).toBe(413);
    expect(direct.seen.length).toBe(before);
    const small = await send(direct.base, { headers: json, chunks: [chunk, chunk, Buffer.from("{}")] });
    expect(small.status).toBe(200);
    expect(JSON.parse(small.body).bytes).toBe(2 * chunk.length + 2);
  });

  it("sets the security headers on every response, a fresh nonce each time, HSTS only when https", async () => {
    const a = await send(direct.base, { method: "GET", path: "/" });
    const b = await send(direct.base, { method: "GET", path: "/" });
    const csp = String(a.headers["content-security-policy"]);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
    expect(csp).not.toContain("unsafe-inline' 'strict");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).not.toBe(String(b.headers["content-security-policy"]));
    expect(JSON.parse(a.body).csp).toBe(csp); // Next reads the nonce from the request header
    expect(a.headers["x-content-type-options"]).toBe("nosniff");
    expect(a.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(a.headers["strict-transport-security"]).toBeUndefined();
    const secure = await send(proxied.base, { method: "GET", path: "/" });
    const maxAge = /max-age=(\d+)/.exec(String(secure.headers["strict-transport-security"]))?.[1];
    expect(Number(maxAge)).toBeGreaterThanOrEqual(86_400);
  });
});
