-- A learner's stored lab bytes are charged by the row's own INSERT (one statement per command,
-- lib/labs/service.ts): the UTF-8 bytes of the typed line and of the stored output, as
-- lib/labs/storage.ts storedBytes() counts them. Waits (target "lab") are not charged.
CREATE TRIGGER "lab_event_charges_storage"
AFTER INSERT ON "lab_event"
WHEN NEW."target" <> 'lab'
BEGIN
  UPDATE "user"
  SET "labStorageBytes" = "labStorageBytes" + length(CAST(NEW."input" AS BLOB)) + length(CAST(NEW."output" AS BLOB))
  WHERE "id" = (SELECT "userId" FROM "lab_session" WHERE "id" = NEW."labSessionId");
END;
