-- AlterTable
ALTER TABLE "lab_event" ADD COLUMN "interruptedAtUs" INTEGER;

