import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { displayUrl, isPostgresUrl } from "./database-url";
import { expectedPostgresSchema, POSTGRES_SCHEMA, postgresSchema } from "./postgres-schema";

describe("PostgreSQL schema", () => {
  it("is prisma/schema.prisma with the PostgreSQL datasource (run `npm run db:new-migration -- NAME` after a schema change)", () => {
    expect(readFileSync(POSTGRES_SCHEMA, "utf8")).toBe(expectedPostgresSchema());
  });

  it("changes only the datasource and the client's directory", () => {
    const sqlite = readFileSync("prisma/schema.prisma", "utf8");
    const pg = postgresSchema(sqlite);
    expect(pg).toContain('provider = "postgresql"');
    expect(pg).toContain('output     = "../../generated/prisma-pg"');
    expect(pg).not.toContain('provider = "sqlite"');
    const models = (s: string) => s.slice(s.indexOf("\nmodel "));
    expect(models(pg)).toBe(models(sqlite));
    expect(() => postgresSchema("model A { id Int @id }")).toThrow(/generator client/);
  });
});

describe("database URL in logs", () => {
  it("hides a PostgreSQL password, keeps the rest", () => {
    expect(displayUrl("postgresql://app:s3cret@db.example:5432/drbd_lab")).toBe(
      "postgresql://app:***@db.example:5432/drbd_lab",
    );
    expect(displayUrl("postgresql://app@db/drbd_lab")).toBe("postgresql://app@db/drbd_lab");
    expect(displayUrl("file:/srv/data/drbd-lab.db")).toBe("file:/srv/data/drbd-lab.db");
    expect(isPostgresUrl("postgres://x/y")).toBe(true);
    expect(isPostgresUrl("file:postgresql.db")).toBe(false);
  });
});
