import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { createDb } from "./db";
import { checkHealth } from "./health";
import { createTempDatabase } from "./testing/temp-db";

const tmp = createTempDatabase();
const scratch = mkdtempSync(path.join(tmpdir(), "drbd-lab-health-"));
afterAll(async () => {
  await tmp.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

describe("checkHealth", () => {
  it("is ok when SELECT 1 answers", async () => {
    expect(await checkHealth(tmp.db)).toEqual({ httpStatus: 200, body: { status: "ok", db: "ok" } });
  });

  it("is 503 when the database cannot be opened", async () => {
    const unreachable = createDb(`file:${path.join(scratch, "missing-dir", "x.db")}`);
    expect(await checkHealth(unreachable)).toEqual({ httpStatus: 503, body: { status: "error", db: "error" } });
  });
});

describe("GET /api/health", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
    delete (globalThis as { drbdLabDb?: unknown }).drbdLabDb;
  });

  async function get(url: string) {
    vi.stubEnv("DATABASE_URL", url);
    vi.resetModules();
    delete (globalThis as { drbdLabDb?: unknown }).drbdLabDb;
    const { GET } = await import("@/app/api/health/route");
    const response = await GET();
    return { status: response.status, body: await response.json(), cache: response.headers.get("cache-control") };
  }

  it("answers 200 on the configured database", async () => {
    expect(await get(tmp.url)).toEqual({ status: 200, body: { status: "ok", db: "ok" }, cache: "no-store" });
  });

  it("answers 503 when DATABASE_URL points where no database can be opened", async () => {
    expect(await get(`file:${path.join(scratch, "nope", "nope.db")}`)).toEqual({
      status: 503,
      body: { status: "error", db: "error" },
      cache: "no-store",
    });
  });
});
