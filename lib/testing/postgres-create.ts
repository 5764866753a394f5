// Child process of createPostgresDatabase(): `tsx lib/testing/postgres-create.ts NAME`.
import { createAndMigrate } from "./postgres";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error("usage: postgres-create.ts NAME ([a-z0-9_]+)");
await createAndMigrate(name);
