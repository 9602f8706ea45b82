-- DropForeignKey
ALTER TABLE "ProcessorState" DROP CONSTRAINT "ProcessorState_processorId_fkey";

-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "durable" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "Flow" ADD COLUMN     "sync" TEXT NOT NULL DEFAULT 'os';

-- DropTable
DROP TABLE "ProcessorState";
