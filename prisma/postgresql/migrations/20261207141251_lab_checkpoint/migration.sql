-- CreateTable
CREATE TABLE "lab_checkpoint" (
    "id" TEXT NOT NULL,
    "labSessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "events" INTEGER NOT NULL,
    "format" INTEGER NOT NULL,
    "engineBuild" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "transcript" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lab_checkpoint_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "lab_checkpoint_labSessionId_seq_key" ON "lab_checkpoint"("labSessionId", "seq");

-- AddForeignKey
ALTER TABLE "lab_checkpoint" ADD CONSTRAINT "lab_checkpoint_labSessionId_fkey" FOREIGN KEY ("labSessionId") REFERENCES "lab_session"("id") ON DELETE CASCADE ON UPDATE CASCADE;
