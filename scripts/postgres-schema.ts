// Writes prisma/postgresql/schema.prisma from prisma/schema.prisma (used by scripts/new-migration.sh).
import { writeFileSync } from "node:fs";
import { expectedPostgresSchema, POSTGRES_SCHEMA } from "../lib/postgres-schema";

writeFileSync(process.argv[2] ?? POSTGRES_SCHEMA, expectedPostgresSchema());
