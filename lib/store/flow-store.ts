import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_RETRY,
  DEFAULT_SCHEDULING,
  RetryPolicy,
  Scheduling,
  type ConnectionConfig,
  type FlowGraph,
  type FlowSettings,
  type FlowSummary,
  type ProcessorConfig,
  type RunState,
} from '../../engine/flow/schema';
import type { Connection as ConnectionRow, Flow as FlowRow, Prisma as P, Processor as ProcessorRow } from '../generated/sqlite/client';
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

type ProcessorDefaults = 'batchSize' | 'scheduling' | 'retry';
export type NewProcessor = Omit<ProcessorConfig, 'id' | 'runState' | ProcessorDefaults> & Partial<Pick<ProcessorConfig, ProcessorDefaults>>;
export type ProcessorPatch = Partial<Omit<ProcessorConfig, 'id' | 'type'>>;
type ConnectionSettingsKey = 'countThreshold' | 'bytesThreshold' | 'prioritizer' | 'expirationMs';
/** Thresholds left out come from the flow's settings; FIFO and no expiration by default. */
export type NewConnection = Omit<ConnectionConfig, 'id' | ConnectionSettingsKey> & Partial<Pick<ConnectionConfig, ConnectionSettingsKey>>;
export type ConnectionPatch = Partial<Pick<ConnectionConfig, ConnectionSettingsKey>>;
/** A graph to import: ids are optional and replaced; connections name their endpoints by the imported ids. */
export interface ImportGraph {
  name: string;
  settings?: FlowSettings;
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
    // JSON columns: rows written before a field existed read as the defaults
    scheduling: Scheduling.safeParse({ ...DEFAULT_SCHEDULING, ...(r.scheduling as object | null) }).data ?? DEFAULT_SCHEDULING,
    retry: RetryPolicy.safeParse({ ...DEFAULT_RETRY, ...(r.retry as object | null) }).data ?? DEFAULT_RETRY,
    runState: r.runState as RunState,
  };
}

function toSettings(r: FlowRow): FlowSettings {
  return { countThreshold: r.countThreshold, bytesThreshold: Number(r.bytesThreshold) };
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
    prioritizer: r.prioritizer as ConnectionConfig['prioritizer'],
    expirationMs: r.expirationMs,
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
    ...(p.scheduling !== undefined && { scheduling: json(p.scheduling) }),
    ...(p.retry !== undefined && { retry: json(p.retry) }),
    ...(p.runState !== undefined && { runState: p.runState }),
  };
}

/** The row of a new processor: the given fields, defaults for the rest. */
function newProcessorRow(flowId: string, p: NewProcessor) {
  return {
    flowId,
    type: p.type,
    name: p.name,
    x: p.position.x,
    y: p.position.y,
    properties: json(p.properties),
    autoTerminated: json(p.autoTerminated),
    batchSize: p.batchSize ?? DEFAULT_BATCH_SIZE,
    scheduling: json(p.scheduling ?? DEFAULT_SCHEDULING),
    retry: json(p.retry ?? DEFAULT_RETRY),
  };
}

/** The row of a new connection: thresholds default to the flow's settings. */
function newConnectionRow(flowId: string, c: NewConnection, settings: FlowSettings) {
  return {
    flowId,
    sourceId: c.sourceId,
    relationship: c.relationship,
    targetId: c.targetId,
    countThreshold: c.countThreshold ?? settings.countThreshold,
    bytesThreshold: c.bytesThreshold ?? settings.bytesThreshold,
    prioritizer: c.prioritizer ?? 'FIFO',
    expirationMs: c.expirationMs ?? 0,
  };
}

function connectionData(patch: ConnectionPatch) {
  return {
    ...(patch.countThreshold !== undefined && { countThreshold: patch.countThreshold }),
    ...(patch.bytesThreshold !== undefined && { bytesThreshold: patch.bytesThreshold }),
    ...(patch.prioritizer !== undefined && { prioritizer: patch.prioritizer }),
    ...(patch.expirationMs !== undefined && { expirationMs: patch.expirationMs }),
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
    return { id: flow.id, name: flow.name, settings: toSettings(flow), processors: [], connections: [], services: [] };
  }

  async updateFlow(id: string, patch: { name?: string; settings?: Partial<FlowSettings> }): Promise<FlowGraph | null> {
    const data = { ...(patch.name !== undefined && { name: patch.name }), ...patch.settings, updatedAt: new Date() };
    const { count } = await this.prisma.flow.updateMany({ where: { id }, data });
    return count ? this.getFlow(id) : null;
  }

  async deleteFlow(id: string): Promise<boolean> {
    // processors and connections go with it (ON DELETE CASCADE)
    return (await this.prisma.flow.deleteMany({ where: { id } })).count > 0;
  }

  async addProcessor(flowId: string, p: NewProcessor): Promise<ProcessorConfig> {
    return this.prisma.$transaction(async (tx) => {
      await this.touch(tx, flowId, true);
      return toProcessor(await tx.processor.create({ data: newProcessorRow(flowId, p) }));
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
      const flow = await this.touch(tx, flowId, true);
      // foreign keys only prove the endpoints exist; they must also belong to this flow
      const endpoints = new Set([c.sourceId, c.targetId]);
      const inFlow = await tx.processor.count({ where: { flowId, id: { in: [...endpoints] } } });
      if (inFlow !== endpoints.size) throw new FlowStoreError(`connection endpoints must be processors of flow ${flowId}`, 'NOT_FOUND');
      return toConnection(await tx.connection.create({ data: newConnectionRow(flowId, c, toSettings(flow!)) }));
    });
  }

  async updateConnection(flowId: string, id: string, patch: ConnectionPatch): Promise<ConnectionConfig | null> {
    return this.prisma.$transaction(async (tx) => {
      const data = connectionData(patch);
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
      const flow = await tx.flow.create({ data: { name: graph.name, ...graph.settings } });
      const ids = new Map<string, string>();
      // one at a time: each insert returns its new id, and creation order is the graph's order
      for (const p of graph.processors) {
        const row = await tx.processor.create({ data: newProcessorRow(flow.id, p) });
        if (p.id !== undefined) ids.set(p.id, row.id);
      }
      const endpoint = (old: string) => {
        const id = ids.get(old);
        if (!id) throw new FlowStoreError(`import: connection endpoint ${old} is not a processor of the graph`, 'INVALID');
        return id;
      };
      for (const c of graph.connections) {
        const endpoints = { sourceId: endpoint(c.sourceId), targetId: endpoint(c.targetId) };
        await tx.connection.create({ data: newConnectionRow(flow.id, { ...c, ...endpoints }, toSettings(flow)) });
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
    return {
      id: flow.id,
      name: flow.name,
      settings: toSettings(flow),
      processors: flow.processors.map(toProcessor),
      connections: flow.connections.map(toConnection),
      services: [],
    };
  }

  /** Bump the flow's updatedAt (every write to its processors or connections is a change of the flow); returns the flow. */
  private async touch(tx: Tx, flowId: string, mustExist = false): Promise<FlowRow | undefined> {
    const { count } = await tx.flow.updateMany({ where: { id: flowId }, data: { updatedAt: new Date() } });
    if (!count) {
      if (mustExist) throw new FlowStoreError(`flow ${flowId} not found`, 'NOT_FOUND');
      return undefined;
    }
    return (await tx.flow.findUnique({ where: { id: flowId } })) ?? undefined;
  }
}
