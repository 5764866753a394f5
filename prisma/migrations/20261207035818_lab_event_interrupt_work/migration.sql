-- AlterTable
ALTER TABLE "lab_event" ADD COLUMN "interruptedAtWork" INTEGER;

