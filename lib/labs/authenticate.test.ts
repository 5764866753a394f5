import { afterAll, describe, expect, it } from "vitest";
import type { Auth } from "@/lib/auth";
import { DEMO_STUDENTS, seedDemo } from "@/lib/demo-seed";
import { createTempDatabase, createTestAuth } from "@/lib/testing/temp-db";
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

describe("lab API authentication cache and sign-out", () => {
  const tmp = createTempDatabase();
  const auth = createTestAuth(tmp.db);
  afterAll(() => tmp.cleanup());

  async function signIn(i: number): Promise<{ cookie: string; headers: Headers }> {
    const s = DEMO_STUDENTS[i] as (typeof DEMO_STUDENTS)[number];
    const { headers } = await auth.api.signInEmail({
      body: { email: s.email, password: s.password },
      returnHeaders: true,
    });
    const cookie = (headers.get("set-cookie") ?? "").split(";")[0] as string;
    return { cookie, headers: new Headers({ cookie }) };
  }

  it("forgets a user at once when they sign out or are banned, well before the TTL, and only them", async () => {
    await seedDemo(auth, tmp.db);
    let lookups = 0;
    const counted = {
      api: {
        getSession: (a: { headers: Headers }) => {
          lookups++;
          return auth.api.getSession(a);
        },
      },
    } as unknown as Auth;
    const authenticate = sessionAuthenticator(() => counted, { ttlMs: 3_600_000, maxEntries: 100 });
    const a = await signIn(0);
    const b = await signIn(1);
    const idOf = async (cookie: string) => ((await authenticate(req(cookie))) as { userId: string }).userId;
    const aliceId = await idOf(a.cookie);
    const bobId = await idOf(b.cookie);
    await idOf(a.cookie);
    await idOf(b.cookie);
    expect(lookups).toBe(2); // cached

    await auth.api.signOut({ headers: a.headers });
    const after = await authenticate(req(a.cookie));
    expect((after as Response).status).toBe(401);
    expect(await idOf(b.cookie)).toBe(bobId); // the other learner stays cached
    expect(lookups).toBe(3);

    const ctx = await auth.$context;
    await ctx.internalAdapter.updateUser(bobId, { banned: true }); // as the admin plugin's ban does
    expect((await authenticate(req(b.cookie))) as Response).toBeInstanceOf(Response);
    expect(lookups).toBe(4);
    expect(aliceId).not.toBe(bobId);
  });
});
