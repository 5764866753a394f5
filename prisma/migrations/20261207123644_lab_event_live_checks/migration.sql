-- AlterTable
ALTER TABLE "lab_event" ADD COLUMN "checks" TEXT;
ALTER TABLE "lab_event" ADD COLUMN "checksHeld" INTEGER;
ALTER TABLE "lab_event" ADD COLUMN "exitCode" INTEGER;

