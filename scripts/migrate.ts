// `npm run db:migrate`: apply the committed migrations to DATABASE_URL (default data/drbd-lab.db).
import { databaseUrl } from "../lib/database-url";
import { migrateDatabase } from "../lib/migrate";

process.stdout.write(migrateDatabase(databaseUrl()));
