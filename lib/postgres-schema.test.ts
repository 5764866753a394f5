import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
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
