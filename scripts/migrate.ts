// `npm run db:migrate`: apply the committed migrations to DATABASE_URL (default data/drbd-lab.db).
import { databaseUrl, isPostgresUrl } from "../lib/database-url";
import { migrateDatabase } from "../lib/migrate";
import { migratePostgres } from "../lib/migrate-postgres";

const url = databaseUrl();
process.stdout.write(isPostgresUrl(url) ? await migratePostgres(url) : migrateDatabase(url));
