-- DropTable
PRAGMA foreign_keys=off;
DROP TABLE "ProcessorState";
PRAGMA foreign_keys=on;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Connection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "flowId" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "relationship" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "countThreshold" INTEGER NOT NULL,
    "bytesThreshold" BIGINT NOT NULL,
    "prioritizer" TEXT NOT NULL DEFAULT 'FIFO',
    "expirationMs" INTEGER NOT NULL DEFAULT 0,
    "durable" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Connection_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Connection_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Processor" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Connection_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Processor" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Connection" ("bytesThreshold", "countThreshold", "createdAt", "expirationMs", "flowId", "id", "prioritizer", "relationship", "sourceId", "targetId") SELECT "bytesThreshold", "countThreshold", "createdAt", "expirationMs", "flowId", "id", "prioritizer", "relationship", "sourceId", "targetId" FROM "Connection";
DROP TABLE "Connection";
ALTER TABLE "new_Connection" RENAME TO "Connection";
CREATE INDEX "Connection_flowId_idx" ON "Connection"("flowId");
CREATE INDEX "Connection_sourceId_idx" ON "Connection"("sourceId");
CREATE INDEX "Connection_targetId_idx" ON "Connection"("targetId");
CREATE TABLE "new_Flow" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "countThreshold" INTEGER NOT NULL DEFAULT 10000,
    "bytesThreshold" BIGINT NOT NULL DEFAULT 1073741824,
    "sync" TEXT NOT NULL DEFAULT 'os',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Flow" ("bytesThreshold", "countThreshold", "createdAt", "id", "name", "updatedAt") SELECT "bytesThreshold", "countThreshold", "createdAt", "id", "name", "updatedAt" FROM "Flow";
DROP TABLE "Flow";
ALTER TABLE "new_Flow" RENAME TO "Flow";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
