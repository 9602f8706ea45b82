import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_RETRY,
  DEFAULT_SCHEDULING,
  RetryPolicy,
  Scheduling,
  type ConnectionConfig,
  type FlowSettings,
  type ProcessorConfig,
  type RunState,
  type ServiceConfig,
} from '../../engine/flow/schema';
import type {
  Connection as ConnectionRow,
  ControllerService as ServiceRow,
  Flow as FlowRow,
  Prisma as P,
  Processor as ProcessorRow,
} from '../generated/sqlite/client';

/** The flow store's rows and the zod types of engine/flow/schema, mapped both ways. */

type ProcessorDefaults = 'batchSize' | 'scheduling' | 'retry';
export type NewProcessor = Omit<ProcessorConfig, 'id' | 'runState' | ProcessorDefaults> & Partial<Pick<ProcessorConfig, ProcessorDefaults>>;
export type ProcessorPatch = Partial<Omit<ProcessorConfig, 'id' | 'type'>>;
type ConnectionSettingsKey = 'countThreshold' | 'bytesThreshold' | 'prioritizer' | 'expirationMs' | 'durable';
/** Thresholds left out come from the flow's settings; FIFO, no expiration and durable by default. */
export type NewConnection = Omit<ConnectionConfig, 'id' | ConnectionSettingsKey> & Partial<Pick<ConnectionConfig, ConnectionSettingsKey>>;
export type ConnectionPatch = Partial<Pick<ConnectionConfig, ConnectionSettingsKey>>;
export type NewService = Omit<ServiceConfig, 'id'>;
export type ServicePatch = Partial<Pick<ServiceConfig, 'name' | 'properties'>>;
/**
 * A graph to import: ids are optional and replaced. Connections name their endpoints by the imported
 * ids, and processors their services (in the properties ImportOptions.serviceRefs lists).
 */
export interface ImportGraph {
  name: string;
  settings?: FlowSettings;
  processors: (NewProcessor & { id?: string; runState?: RunState })[];
  connections: (NewConnection & { id?: string })[];
  services?: (NewService & { id?: string })[];
}
export interface ImportOptions {
  /** The properties of a processor type that hold a service id (the store does not know specs). */
  serviceRefs?: (processorType: string) => readonly string[];
}

// Creation order is the graph's order: cuid() ids grow within a process, so they break createdAt ties.
export const BY_CREATION: { createdAt?: 'asc'; id?: 'asc' }[] = [{ createdAt: 'asc' }, { id: 'asc' }];

export function toProcessor(r: ProcessorRow): ProcessorConfig {
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

export function toSettings(r: FlowRow): FlowSettings {
  return { countThreshold: r.countThreshold, bytesThreshold: Number(r.bytesThreshold), sync: r.sync as FlowSettings['sync'] };
}

export function toConnection(r: ConnectionRow): ConnectionConfig {
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
    durable: r.durable,
  };
}

export function toService(r: ServiceRow): ServiceConfig {
  return { id: r.id, type: r.type, name: r.name, properties: r.properties as Record<string, unknown> };
}

export const json = (v: unknown) => v as P.InputJsonValue;

export function processorData(p: ProcessorPatch) {
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
export function newProcessorRow(flowId: string, p: NewProcessor) {
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
export function newConnectionRow(flowId: string, c: NewConnection, settings: FlowSettings) {
  return {
    flowId,
    sourceId: c.sourceId,
    relationship: c.relationship,
    targetId: c.targetId,
    countThreshold: c.countThreshold ?? settings.countThreshold,
    bytesThreshold: c.bytesThreshold ?? settings.bytesThreshold,
    prioritizer: c.prioritizer ?? 'FIFO',
    expirationMs: c.expirationMs ?? 0,
    durable: c.durable ?? true,
  };
}

export function connectionData(patch: ConnectionPatch) {
  return {
    ...(patch.countThreshold !== undefined && { countThreshold: patch.countThreshold }),
    ...(patch.bytesThreshold !== undefined && { bytesThreshold: patch.bytesThreshold }),
    ...(patch.prioritizer !== undefined && { prioritizer: patch.prioritizer }),
    ...(patch.expirationMs !== undefined && { expirationMs: patch.expirationMs }),
    ...(patch.durable !== undefined && { durable: patch.durable }),
  };
}

export function serviceData(patch: ServicePatch) {
  return {
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.properties !== undefined && { properties: json(patch.properties) }),
  };
}
