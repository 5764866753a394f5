// `npm run db:seed`: create the demo class and accounts (idempotent). Refused in production mode.
import { createAuth } from "../lib/auth";
import { databaseUrl } from "../lib/database-url";
import { createDb } from "../lib/db";
import { describeDemo, seedDemo } from "../lib/demo-seed";
import { appMode } from "../lib/mode";
import { authSecret } from "../lib/secret";

if (appMode() === "production") {
  console.error("DRBD_LAB_MODE=production : pas de données de démonstration.");
  process.exit(1);
}
const db = createDb(databaseUrl());
const summary = await seedDemo(createAuth({ db, secret: authSecret() }), db);
await db.$disconnect();
console.log(describeDemo(summary));
