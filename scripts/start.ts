// `npm start`: build if the sources changed, migrate, seed the demo data (demo mode only),
// then serve Next.js behind scripts/serve.ts. Environment: see README, "Configuration".
import { spawn } from "node:child_process";
import path from "node:path";
import { createAuth } from "../lib/auth";
import { databaseUrl, displayUrl } from "../lib/database-url";
import { createDb } from "../lib/db";
import { describeDemo, seedDemo } from "../lib/demo-seed";
import { migrateDatabase } from "../lib/migrate";
import { appMode } from "../lib/mode";
import { authSecret } from "../lib/secret";
import { allocatorEnv, chooseAllocator, describeAllocator } from "./allocator";
import { build } from "./build";
import { buildIsCurrent } from "./build-fingerprint";

const root = process.cwd();
const mode = appMode();
const port = process.env.PORT?.trim() || "3000";
const host = process.env.HOSTNAME?.trim() || "0.0.0.0";
const publicUrl = process.env.BETTER_AUTH_URL?.trim() || `http://localhost:${port}`;
const step = (text: string) => console.log(`\n▸ ${text}`);

// Fail before the long steps when production is misconfigured.
let secret: string;
try {
  secret = authSecret();
} catch (error) {
  console.error(`DRBD Lab ne peut pas démarrer : ${(error as Error).message}`);
  process.exit(1);
}

if (buildIsCurrent(root)) step("Build à jour (.next) : compilation ignorée");
else {
  step("Compilation (next build)");
  try {
    await build(root);
  } catch {
    console.error("\nLa compilation a échoué (voir les erreurs ci-dessus).");
    process.exit(1);
  }
}

const url = databaseUrl();
step(`Migrations de la base ${displayUrl(url)}`);
const migrated = migrateDatabase(url, root);
console.log(
  migrated
    .split("\n")
    .filter((line) => /^(\d+ migrations? found|All migrations|No pending)/.test(line))
    .join("\n"),
);

if (mode === "demo") {
  step("Données de démonstration");
  const db = createDb(url);
  const summary = await seedDemo(createAuth({ db, secret, baseURL: publicUrl }), db);
  await db.$disconnect();
  console.log(summary.created ? "Créées :" : "Déjà présentes :");
  console.log(describeDemo(summary));
} else step("Mode production : aucune donnée de démonstration");

const allocator = chooseAllocator();
step(`DRBD Lab sur ${publicUrl} (allocateur mémoire : ${describeAllocator(allocator)})`);
const trusted = [
  process.env.BETTER_AUTH_TRUSTED_ORIGINS,
  mode === "demo" ? `http://localhost:${port},http://127.0.0.1:${port}` : "",
]
  .filter(Boolean)
  .join(",");
const next = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "serve.ts")], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    // jemalloc when the system has it, else glibc with a fixed mmap threshold (scripts/allocator.ts)
    ...allocatorEnv(allocator),
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production",
    PORT: port,
    HOSTNAME: host,
    DATABASE_URL: url,
    BETTER_AUTH_SECRET: secret,
    BETTER_AUTH_URL: publicUrl,
    BETTER_AUTH_TRUSTED_ORIGINS: trusted,
  },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => next.kill(signal));
next.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
