import { describe, expect, it } from "vitest";
import type { Auth } from "@/lib/auth";
import { sessionAuthenticator } from "./authenticate";

/** A stand-in for better-auth's getSession: token → user, counting look-ups. */
function fakeAuth(users: Map<string, { id: string; banned?: boolean }>) {
  let lookups = 0;
  const auth = {
    api: {
      getSession: async ({ headers }: { headers: Headers }) => {
        lookups++;
        const token = /better-auth\.session_token=([^;]+)/.exec(headers.get("cookie") ?? "")?.[1];
        const user = token ? users.get(token) : undefined;
        return user ? { user: { ...user, role: "student" }, session: {} } : null;
      },
    },
  } as unknown as Auth;
  return { auth, lookups: () => lookups };
}

const req = (cookie?: string) => new Request("http://x/api/labs", cookie ? { headers: { cookie } } : {});

describe("lab API authentication cache", () => {
  it("looks a session up once per TTL, and again after it (a sign-out then answers 401)", async () => {
    let t = 0;
    const users = new Map([["tok-a", { id: "a" }]]);
    const f = fakeAuth(users);
    const authenticate = sessionAuthenticator(() => f.auth, { ttlMs: 10_000, maxEntries: 10, now: () => t });
    const cookie = "theme=dark; better-auth.session_token=tok-a";
    expect(await authenticate(req(cookie))).toEqual({ userId: "a" });
    expect(await authenticate(req(cookie))).toEqual({ userId: "a" });
    expect(f.lookups()).toBe(1);
    users.delete("tok-a"); // signed out
    t = 10_001;
    const after = await authenticate(req(cookie));
    expect(after).toBeInstanceOf(Response);
    expect((after as Response).status).toBe(401);
    expect(f.lookups()).toBe(2);
  });

  it("never answers from the cache for another or a missing cookie, and keeps no refusal", async () => {
    const users = new Map([
      ["tok-a", { id: "a" }],
      ["tok-b", { id: "b", banned: true }],
    ]);
    const f = fakeAuth(users);
    const authenticate = sessionAuthenticator(() => f.auth, { ttlMs: 60_000, maxEntries: 10 });
    expect(await authenticate(req("better-auth.session_token=tok-a"))).toEqual({ userId: "a" });
    const forged = await authenticate(req("better-auth.session_token=tok-a2"));
    expect((forged as Response).status).toBe(401);
    expect(((await authenticate(req())) as Response).status).toBe(401);
    expect(((await authenticate(req("better-auth.session_token=tok-b"))) as Response).status).toBe(401); // banned
    users.set("tok-b", { id: "b" }); // unbanned: the refusal was not kept
    expect(await authenticate(req("better-auth.session_token=tok-b"))).toEqual({ userId: "b" });
    expect(f.lookups()).toBe(5);
  });
});
