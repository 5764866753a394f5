-- CreateTable
CREATE TABLE "lab_checkpoint" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "labSessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "events" INTEGER NOT NULL,
    "format" INTEGER NOT NULL,
    "engineBuild" TEXT NOT NULL,
    "bytes" BLOB NOT NULL,
    "transcript" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "lab_checkpoint_labSessionId_fkey" FOREIGN KEY ("labSessionId") REFERENCES "lab_session" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "lab_checkpoint_labSessionId_seq_key" ON "lab_checkpoint"("labSessionId", "seq");

