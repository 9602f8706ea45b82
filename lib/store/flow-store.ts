import type { FlowGraph, FlowSettings, FlowSummary, ConnectionConfig, ProcessorConfig, RunState, ServiceConfig } from '../../engine/flow/schema';
import type { Flow as FlowRow, Prisma as P } from '../generated/sqlite/client';
import { DEFAULT_DATABASE_URL, openPrisma, type Prisma } from './client';
import {
  BY_CREATION,
  connectionData,
  json,
  newConnectionRow,
  newProcessorRow,
  processorData,
  serviceData,
  toConnection,
  toProcessor,
  toService,
  toSettings,
  type ConnectionPatch,
  type ImportGraph,
  type ImportOptions,
  type NewConnection,
  type NewProcessor,
  type NewService,
  type ProcessorPatch,
  type ServicePatch,
} from './flow-rows';
import { migrate } from './migrate';

export type { ConnectionPatch, ImportGraph, ImportOptions, NewConnection, NewProcessor, NewService, ProcessorPatch, ServicePatch } from './flow-rows';

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

type Tx = P.TransactionClient;

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
    // processors (with their state), connections and services go with it (ON DELETE CASCADE)
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
      // its connections (ON DELETE CASCADE on both endpoints) and its state go with it
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

  async addService(flowId: string, s: NewService): Promise<ServiceConfig> {
    return this.prisma.$transaction(async (tx) => {
      await this.touch(tx, flowId, true);
      return toService(await tx.controllerService.create({ data: { flowId, type: s.type, name: s.name, properties: json(s.properties) } }));
    });
  }

  async updateService(flowId: string, id: string, patch: ServicePatch): Promise<ServiceConfig | null> {
    return this.prisma.$transaction(async (tx) => {
      const data = serviceData(patch);
      const where = { id, flowId };
      const found = Object.keys(data).length
        ? (await tx.controllerService.updateMany({ where, data })).count
        : await tx.controllerService.count({ where });
      if (!found) return null;
      await this.touch(tx, flowId);
      return toService(await tx.controllerService.findUniqueOrThrow({ where: { id } }));
    });
  }

  /** Whether processors still name the service is the caller's rule (it knows the specs). */
  async deleteService(flowId: string, id: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.controllerService.deleteMany({ where: { id, flowId } });
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
   * Create a new flow from a graph (the demo flow, an exported flow): every id is fresh; connection
   * endpoints and the processors' service references are remapped. Processors come in STOPPED,
   * whatever the graph says: an import never starts work.
   */
  async importFlow(graph: ImportGraph, options: ImportOptions = {}): Promise<FlowGraph> {
    return this.prisma.$transaction(async (tx) => {
      const flow = await tx.flow.create({ data: { name: graph.name, ...graph.settings } });
      // one at a time: each insert returns its new id, and creation order is the graph's order
      const serviceIds = new Map<string, string>();
      for (const s of graph.services ?? []) {
        const row = await tx.controllerService.create({ data: { flowId: flow.id, type: s.type, name: s.name, properties: json(s.properties) } });
        if (s.id !== undefined) serviceIds.set(s.id, row.id);
      }
      const ids = new Map<string, string>();
      for (const p of graph.processors) {
        const properties = { ...p.properties };
        for (const key of options.serviceRefs?.(p.type) ?? []) {
          const value = properties[key];
          if (typeof value === 'string' && value !== '') properties[key] = serviceIds.get(value) ?? value;
        }
        const row = await tx.processor.create({ data: newProcessorRow(flow.id, { ...p, properties }) });
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
      include: {
        processors: { orderBy: BY_CREATION },
        connections: { orderBy: BY_CREATION },
        services: { orderBy: BY_CREATION },
      },
    });
    if (!flow) return null;
    return {
      id: flow.id,
      name: flow.name,
      settings: toSettings(flow),
      processors: flow.processors.map(toProcessor),
      connections: flow.connections.map(toConnection),
      services: flow.services.map(toService),
    };
  }

  /** Bump the flow's updatedAt (every write to its processors, connections or services is a change of the flow); returns the flow. */
  private async touch(tx: Tx, flowId: string, mustExist = false): Promise<FlowRow | undefined> {
    const { count } = await tx.flow.updateMany({ where: { id: flowId }, data: { updatedAt: new Date() } });
    if (!count) {
      if (mustExist) throw new FlowStoreError(`flow ${flowId} not found`, 'NOT_FOUND');
      return undefined;
    }
    return (await tx.flow.findUnique({ where: { id: flowId } })) ?? undefined;
  }
}
