// `npm run user:create -- --email prof@example.org --name "Prof" --role instructor [--password …]`
// Creates an account from the server's shell (how production gets its first instructor).
// Without --password, a temporary password is generated and printed.
import { parseArgs } from "node:util";
import { z } from "zod";
import { createAuth } from "../lib/auth";
import { databaseUrl } from "../lib/database-url";
import { createDb } from "../lib/db";
import { temporaryPassword } from "../lib/password-reset";
import { ROLES } from "../lib/roles";
import { authSecret } from "../lib/secret";

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    name: { type: "string" },
    role: { type: "string" },
    password: { type: "string" },
  },
});
const input = z
  .object({
    email: z.email(),
    name: z.string().min(2),
    role: z.enum(ROLES),
    password: z.string().min(8).max(128).optional(),
  })
  .safeParse(values);
if (!input.success) {
  console.error(`Usage: npm run user:create -- --email E --name N --role ${ROLES.join("|")} [--password P]`);
  console.error(z.prettifyError(input.error));
  process.exit(2);
}
const password = input.data.password ?? temporaryPassword();
const db = createDb(databaseUrl());
try {
  await createAuth({ db, secret: authSecret() }).api.createUser({ body: { ...input.data, password } });
  console.log(`Compte créé : ${input.data.email} (${input.data.role})`);
  if (!input.data.password) console.log(`Mot de passe provisoire : ${password}`);
} finally {
  await db.$disconnect();
}
