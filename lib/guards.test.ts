import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Auth } from "./auth";
import { DEMO_INSTRUCTOR, DEMO_STUDENTS, seedDemo } from "./demo-seed";
import { createTempDatabase, createTestAuth } from "./testing/temp-db";

// The guards read the request through next/headers and the shared auth instance: point both
// at this test's database and at the cookie of the user being simulated.
const state = vi.hoisted(() => {
  // What next.config.mjs `experimental.authInterrupts` sets for the server at build time.
  process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";
  return { cookie: "", auth: undefined as unknown };
});
vi.mock("next/headers", () => ({ headers: async () => new Headers(state.cookie ? { cookie: state.cookie } : {}) }));
vi.mock("./auth", async (importOriginal) => ({ ...(await importOriginal<object>()), getAuth: () => state.auth }));

const { decideAccess, requireApiRole, requireRole, requireUser } = await import("./guards");

const tmp = createTempDatabase();
const auth: Auth = createTestAuth(tmp.db);
state.auth = auth;
const cookies: Record<string, string> = {};

async function cookieFor(email: string, password: string) {
  const { headers } = await auth.api.signInEmail({ body: { email, password }, returnHeaders: true });
  const setCookie = headers.get("set-cookie") ?? "";
  return setCookie.split(";")[0] as string; // better-auth.session_token=…
}

beforeAll(async () => {
  await seedDemo(auth, tmp.db);
  const student = DEMO_STUDENTS[0] as (typeof DEMO_STUDENTS)[number];
  cookies.student = await cookieFor(student.email, student.password);
  cookies.instructor = await cookieFor(DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password);
});
afterAll(() => tmp.cleanup());
beforeEach(() => {
  state.cookie = "";
});

/** What Next.js would do with the thrown control-flow error. */
async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return "allowed";
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? "";
    if (digest.startsWith("NEXT_REDIRECT")) return `redirect ${digest.split(";")[2]}`;
    if (digest.startsWith("NEXT_HTTP_ERROR_FALLBACK")) return `http ${digest.split(";")[1]}`;
    throw error;
  }
}

describe("page guards", () => {
  it("send anonymous visitors to /connexion", async () => {
    expect(await outcome(() => requireUser())).toBe("redirect /connexion");
    expect(await outcome(() => requireRole("instructor"))).toBe("redirect /connexion");
  });

  it("treat a forged cookie as anonymous", async () => {
    state.cookie = "better-auth.session_token=forged.value";
    expect(await outcome(() => requireUser())).toBe("redirect /connexion");
  });

  it("let a student in, but answer 403 on instructor pages", async () => {
    state.cookie = cookies.student as string;
    expect(await outcome(() => requireUser())).toBe("allowed");
    expect(await outcome(() => requireRole("instructor", "admin"))).toBe("http 403");
  });

  it("let an instructor into instructor pages and report the role", async () => {
    state.cookie = cookies.instructor as string;
    const signedIn = await requireRole("instructor", "admin");
    expect(signedIn.user.email).toBe(DEMO_INSTRUCTOR.email);
    expect(signedIn.user.role).toBe("instructor");
  });
});

describe("API guard", () => {
  const request = (cookie?: string) => new Request("http://127.0.0.1/api/x", { headers: cookie ? { cookie } : {} });

  it("answers 401 without a session and 403 with the wrong role", async () => {
    const anonymous = await requireApiRole(request());
    expect(anonymous).toBeInstanceOf(Response);
    expect((anonymous as Response).status).toBe(401);
    expect(await (anonymous as Response).json()).toEqual({ error: "Connectez-vous pour continuer." });
    const student = await requireApiRole(request(cookies.student), "instructor");
    expect((student as Response).status).toBe(403);
    expect(await (student as Response).json()).toEqual({ error: "Accès refusé." });
  });

  it("returns the user when the role matches", async () => {
    const ok = await requireApiRole(request(cookies.student), "student");
    expect(ok).not.toBeInstanceOf(Response);
  });
});

describe("decideAccess", () => {
  const session = (role: string | null, banned = false) =>
    ({ user: { role, banned }, session: {} }) as unknown as Parameters<typeof decideAccess>[0];

  it("treats unknown roles as student and banned users as anonymous", () => {
    expect(decideAccess(null)).toBe("anonymous");
    expect(decideAccess(session("student", true))).toBe("anonymous");
    expect(decideAccess(session("superuser"), ["instructor"])).toBe("forbidden");
    expect(decideAccess(session(null), ["student"])).toBe("allowed");
    expect(decideAccess(session("admin"), ["instructor", "admin"])).toBe("allowed");
  });
});
