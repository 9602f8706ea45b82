-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "expirationMs" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "prioritizer" TEXT NOT NULL DEFAULT 'FIFO';

-- AlterTable
ALTER TABLE "Flow" ADD COLUMN     "bytesThreshold" BIGINT NOT NULL DEFAULT 1073741824,
ADD COLUMN     "countThreshold" INTEGER NOT NULL DEFAULT 10000;

-- AlterTable
ALTER TABLE "Processor" ADD COLUMN     "retry" JSONB,
ADD COLUMN     "scheduling" JSONB;
