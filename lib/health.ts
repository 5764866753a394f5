import type { Db } from "./db";

export interface Health {
  status: "ok" | "error";
  db: "ok" | "error";
}

/** Runs `SELECT 1`; any failure (missing file, locked beyond the timeout…) reports db: error. */
export async function checkHealth(db: Db): Promise<{ httpStatus: 200 | 503; body: Health }> {
  try {
    await db.$queryRaw`SELECT 1`;
    return { httpStatus: 200, body: { status: "ok", db: "ok" } };
  } catch {
    return { httpStatus: 503, body: { status: "error", db: "error" } };
  }
}
