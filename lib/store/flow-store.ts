import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_BYTES_THRESHOLD,
  DEFAULT_COUNT_THRESHOLD,
  type ConnectionConfig,
  type FlowGraph,
  type FlowSummary,
  type ProcessorConfig,
  type RunState,
} from '../../engine/flow/schema';
import type { Connection as ConnectionRow, Prisma as P, Processor as ProcessorRow } from '../generated/sqlite/client';
import { DEFAULT_DATABASE_URL, openPrisma, type Prisma } from './client';
import { migrate } from './migrate';

/** Thrown when a write names something that is not there (unknown flow, endpoint outside the flow). */
export class FlowStoreError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'INVALID',
  ) {
    super(message);
    this.name = 'FlowStoreError';
  }
}

export type NewProcessor = Omit<ProcessorConfig, 'id' | 'runState' | 'batchSize'> & { batchSize?: number };
export type ProcessorPatch = Partial<Omit<ProcessorConfig, 'id' | 'type'>>;
export type NewConnection = Omit<ConnectionConfig, 'id' | 'countThreshold' | 'bytesThreshold'> &
  Partial<Pick<ConnectionConfig, 'countThreshold' | 'bytesThreshold'>>;
export type ConnectionPatch = Partial<Pick<ConnectionConfig, 'countThreshold' | 'bytesThreshold'>>;
/** A graph to import: ids are optional and replaced; connections name their endpoints by the imported ids. */
export interface ImportGraph {
  name: string;
  processors: (NewProcessor & { id?: string; runState?: RunState })[];
  connections: (NewConnection & { id?: string })[];
}

type Tx = P.TransactionClient;

// Creation order is the graph's order: cuid() ids grow within a process, so they break createdAt ties.
const BY_CREATION: { createdAt?: 'asc'; id?: 'asc' }[] = [{ createdAt: 'asc' }, { id: 'asc' }];

function toProcessor(r: ProcessorRow): ProcessorConfig {
  return {
    id: r.id,
    type: r.type,
    name: r.name,
    position: { x: r.x, y: r.y },
    properties: r.properties as Record<string, unknown>,
    autoTerminated: r.autoTerminated as string[],
    batchSize: r.batchSize,
    runState: r.runState as RunState,
  };
}

function toConnection(r: ConnectionRow): ConnectionConfig {
  return {
    id: r.id,
    sourceId: r.sourceId,
    relationship: r.relationship,
    targetId: r.targetId,
    countThreshold: r.countThreshold,
    // BIGINT in both databases; at most 1 TiB, far inside Number's exact range
    bytesThreshold: Number(r.bytesThreshold),
  };
}

const json = (v: unknown) => v as P.InputJsonValue;

function processorData(p: ProcessorPatch) {
  return {
    ...(p.name !== undefined && { name: p.name }),
    ...(p.position !== undefined && { x: p.position.x, y: p.position.y }),
    ...(p.properties !== undefined && { properties: json(p.properties) }),
    ...(p.autoTerminated !== undefined && { autoTerminated: json(p.autoTerminated) }),
    ...(p.batchSize !== undefined && { batchSize: p.batchSize }),
    ...(p.runState !== undefined && { runState: p.runState }),
  };
}

/** Flow graphs persisted with Prisma (SQLite or PostgreSQL), mapped to the zod types of engine/flow/schema. */
export class FlowStore {
  private constructor(private readonly prisma: Prisma) {}

  /** Migrates the database first, so a fresh file or database just works. */
  static async open(databaseUrl: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Promise<FlowStore> {
    await migrate(databaseUrl);
    const prisma = openPrisma(databaseUrl);
    await prisma.$connect();
    return new FlowStore(prisma);
  }

  async close(): Promise<void> {
    await this.prisma.$disconnect();
  }

  async listFlows(): Promise<FlowSummary[]> {
    const rows = await this.prisma.flow.findMany({
      select: {
        id: true,
        name: true,
        updatedAt: true,
        _count: { select: { processors: true } },
        processors: { where: { runState: 'RUNNING' }, select: { id: true }, take: 1 },
      },
    });
    return (
      rows
        .map((r) => ({
          id: r.id,
          name: r.name,
          processorCount: r._count.processors,
          running: r.processors.length > 0,
          updatedAt: r.updatedAt.toISOString(),
        }))
        // sorted here: SQLite compares bytes while PostgreSQL follows its collation
        .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    );
  }

  async getFlow(id: string): Promise<FlowGraph | null> {
    return this.readFlow(this.prisma, id);
  }

  async createFlow(name: string): Promise<FlowGraph> {
    const flow = await this.prisma.flow.create({ data: { name } });
    return { id: flow.id, name: flow.name, processors: [], connections: [] };
  }

  async renameFlow(id: string, name: string): Promise<FlowGraph | null> {
    const { count } = await this.prisma.flow.updateMany({ where: { id }, data: { name, updatedAt: new Date() } });
    return count ? this.getFlow(id) : null;
  }

  async deleteFlow(id: string): Promise<boolean> {
    // processors and connections go with it (ON DELETE CASCADE)
    return (await this.prisma.flow.deleteMany({ where: { id } })).count > 0;
  }

  async addProcessor(flowId: string, p: NewProcessor): Promise<ProcessorConfig> {
    return this.prisma.$transaction(async (tx) => {
      await this.touch(tx, flowId, true);
      const row = await tx.processor.create({
        data: {
          flowId,
          type: p.type,
          name: p.name,
          x: p.position.x,
          y: p.position.y,
          properties: json(p.properties),
          autoTerminated: json(p.autoTerminated),
          batchSize: p.batchSize ?? DEFAULT_BATCH_SIZE,
        },
      });
      return toProcessor(row);
    });
  }

  async updateProcessor(flowId: string, id: string, patch: ProcessorPatch): Promise<ProcessorConfig | null> {
    return this.prisma.$transaction(async (tx) => {
      const data = processorData(patch);
      const where = { id, flowId };
      const found = Object.keys(data).length ? (await tx.processor.updateMany({ where, data })).count : await tx.processor.count({ where });
      if (!found) return null;
      await this.touch(tx, flowId);
      return toProcessor(await tx.processor.findUniqueOrThrow({ where: { id } }));
    });
  }

  async deleteProcessor(flowId: string, id: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      // its connections go with it (ON DELETE CASCADE on both endpoints)
      const { count } = await tx.processor.deleteMany({ where: { id, flowId } });
      if (count) await this.touch(tx, flowId);
      return count > 0;
    });
  }

  async addConnection(flowId: string, c: NewConnection): Promise<ConnectionConfig> {
    return this.prisma.$transaction(async (tx) => {
      await this.touch(tx, flowId, true);
      // foreign keys only prove the endpoints exist; they must also belong to this flow
      const endpoints = new Set([c.sourceId, c.targetId]);
      const inFlow = await tx.processor.count({ where: { flowId, id: { in: [...endpoints] } } });
      if (inFlow !== endpoints.size) throw new FlowStoreError(`connection endpoints must be processors of flow ${flowId}`, 'NOT_FOUND');
      const row = await tx.connection.create({
        data: {
          flowId,
          sourceId: c.sourceId,
          relationship: c.relationship,
          targetId: c.targetId,
          countThreshold: c.countThreshold ?? DEFAULT_COUNT_THRESHOLD,
          bytesThreshold: c.bytesThreshold ?? DEFAULT_BYTES_THRESHOLD,
        },
      });
      return toConnection(row);
    });
  }

  async updateConnection(flowId: string, id: string, patch: ConnectionPatch): Promise<ConnectionConfig | null> {
    return this.prisma.$transaction(async (tx) => {
      const data = {
        ...(patch.countThreshold !== undefined && { countThreshold: patch.countThreshold }),
        ...(patch.bytesThreshold !== undefined && { bytesThreshold: patch.bytesThreshold }),
      };
      const where = { id, flowId };
      const found = Object.keys(data).length ? (await tx.connection.updateMany({ where, data })).count : await tx.connection.count({ where });
      if (!found) return null;
      await this.touch(tx, flowId);
      return toConnection(await tx.connection.findUniqueOrThrow({ where: { id } }));
    });
  }

  async deleteConnection(flowId: string, id: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.connection.deleteMany({ where: { id, flowId } });
      if (count) await this.touch(tx, flowId);
      return count > 0;
    });
  }

  /** Persist the desired state of some processors of a flow (ids outside the flow are ignored). */
  async setRunState(flowId: string, processorIds: string[], state: RunState): Promise<void> {
    if (processorIds.length === 0) return;
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.processor.updateMany({ where: { flowId, id: { in: processorIds } }, data: { runState: state } });
      if (count) await this.touch(tx, flowId);
    });
  }

  /**
   * Create a new flow from a graph (the demo flow, an exported flow): every id is fresh and connection
   * endpoints are remapped. Processors come in STOPPED, whatever the graph says: an import never starts work.
   */
  async importFlow(graph: ImportGraph): Promise<FlowGraph> {
    return this.prisma.$transaction(async (tx) => {
      const flow = await tx.flow.create({ data: { name: graph.name } });
      const ids = new Map<string, string>();
      // one at a time: each insert returns its new id, and creation order is the graph's order
      for (const p of graph.processors) {
        const row = await tx.processor.create({
          data: {
            flowId: flow.id,
            type: p.type,
            name: p.name,
            x: p.position.x,
            y: p.position.y,
            properties: json(p.properties),
            autoTerminated: json(p.autoTerminated),
            batchSize: p.batchSize ?? DEFAULT_BATCH_SIZE,
          },
        });
        if (p.id !== undefined) ids.set(p.id, row.id);
      }
      const endpoint = (old: string) => {
        const id = ids.get(old);
        if (!id) throw new FlowStoreError(`import: connection endpoint ${old} is not a processor of the graph`, 'INVALID');
        return id;
      };
      for (const c of graph.connections) {
        await tx.connection.create({
          data: {
            flowId: flow.id,
            sourceId: endpoint(c.sourceId),
            relationship: c.relationship,
            targetId: endpoint(c.targetId),
            countThreshold: c.countThreshold ?? DEFAULT_COUNT_THRESHOLD,
            bytesThreshold: c.bytesThreshold ?? DEFAULT_BYTES_THRESHOLD,
          },
        });
      }
      return (await this.readFlow(tx, flow.id))!;
    });
  }

  private async readFlow(db: Tx, id: string): Promise<FlowGraph | null> {
    const flow = await db.flow.findUnique({
      where: { id },
      include: { processors: { orderBy: BY_CREATION }, connections: { orderBy: BY_CREATION } },
    });
    if (!flow) return null;
    return { id: flow.id, name: flow.name, processors: flow.processors.map(toProcessor), connections: flow.connections.map(toConnection) };
  }

  /** Bump the flow's updatedAt: every write to its processors or connections is a change of the flow. */
  private async touch(tx: Tx, flowId: string, mustExist = false): Promise<void> {
    const { count } = await tx.flow.updateMany({ where: { id: flowId }, data: { updatedAt: new Date() } });
    if (!count && mustExist) throw new FlowStoreError(`flow ${flowId} not found`, 'NOT_FOUND');
  }
}
