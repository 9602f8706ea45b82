-- CreateTable
CREATE TABLE "ControllerService" (
    "id" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "properties" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ControllerService_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProcessorState" (
    "processorId" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "state" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProcessorState_pkey" PRIMARY KEY ("processorId")
);

-- CreateIndex
CREATE INDEX "ControllerService_flowId_idx" ON "ControllerService"("flowId");

-- AddForeignKey
ALTER TABLE "ControllerService" ADD CONSTRAINT "ControllerService_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProcessorState" ADD CONSTRAINT "ProcessorState_processorId_fkey" FOREIGN KEY ("processorId") REFERENCES "Processor"("id") ON DELETE CASCADE ON UPDATE CASCADE;
