-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_user" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailVerified" BOOLEAN NOT NULL DEFAULT false,
    "image" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "role" TEXT DEFAULT 'student',
    "banned" BOOLEAN DEFAULT false,
    "banReason" TEXT,
    "banExpires" DATETIME,
    "mustChangePassword" BOOLEAN NOT NULL DEFAULT false,
    "labStorageBytes" INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "new_user" ("banExpires", "banReason", "banned", "createdAt", "email", "emailVerified", "id", "image", "name", "role", "updatedAt") SELECT "banExpires", "banReason", "banned", "createdAt", "email", "emailVerified", "id", "image", "name", "role", "updatedAt" FROM "user";
DROP TABLE "user";
ALTER TABLE "new_user" RENAME TO "user";
CREATE UNIQUE INDEX "user_email_key" ON "user"("email");
CREATE INDEX "user_role_idx" ON "user"("role");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- Join codes grow from 4 to 8 symbols (DRBD-XXXX-XXXX): the old short codes are replaced.
UPDATE "cohort" SET "joinCode" = 'DRBD-'
  || substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', (abs(random()) % 31) + 1, 1)
  || substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', (abs(random()) % 31) + 1, 1)
  || substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', (abs(random()) % 31) + 1, 1)
  || substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', (abs(random()) % 31) + 1, 1)
  || '-'
  || substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', (abs(random()) % 31) + 1, 1)
  || substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', (abs(random()) % 31) + 1, 1)
  || substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', (abs(random()) % 31) + 1, 1)
  || substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', (abs(random()) % 31) + 1, 1)
WHERE length("joinCode") = 9;

-- Lab storage already used by each learner (bytes of commands and output kept).
UPDATE "user" SET "labStorageBytes" = (
  SELECT coalesce(sum(length(CAST(e."input" AS BLOB)) + length(CAST(e."output" AS BLOB))), 0)
  FROM "lab_event" e JOIN "lab_session" s ON s."id" = e."labSessionId"
  WHERE s."userId" = "user"."id"
);
