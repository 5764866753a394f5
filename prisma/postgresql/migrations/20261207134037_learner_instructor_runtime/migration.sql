-- AlterTable
ALTER TABLE "lab_event" ADD COLUMN     "checks" TEXT,
ADD COLUMN     "checksHeld" INTEGER,
ADD COLUMN     "exitCode" INTEGER;

-- CreateTable
CREATE TABLE "chapter_read" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "readAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chapter_read_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "chapter_read_userId_slug_key" ON "chapter_read"("userId", "slug");

-- AddForeignKey
ALTER TABLE "chapter_read" ADD CONSTRAINT "chapter_read_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A learner's stored lab bytes are charged by the row's own INSERT (one statement per command,
-- lib/labs/service.ts): the UTF-8 bytes of the typed line and of the stored output, as
-- lib/labs/storage.ts storedBytes() counts them. Waits (target "lab") are not charged.
-- (The SQLite trigger of migration 20261207124500_lab_event_charges_storage, in PL/pgSQL.)
CREATE FUNCTION "lab_event_charges_storage"() RETURNS trigger AS $$
BEGIN
  UPDATE "user"
  SET "labStorageBytes" = "labStorageBytes" + octet_length(NEW."input") + octet_length(NEW."output")
  WHERE "id" = (SELECT "userId" FROM "lab_session" WHERE "id" = NEW."labSessionId");
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "lab_event_charges_storage"
AFTER INSERT ON "lab_event"
FOR EACH ROW WHEN (NEW."target" <> 'lab')
EXECUTE FUNCTION "lab_event_charges_storage"();
