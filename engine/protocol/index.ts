import { z } from 'zod';

/**
 * The live channel between the engine and every editor viewing a flow: event names and payloads,
 * defined once and imported by the server bridge and the browser.
 */

export const Bulletin = z.object({
  at: z.number(),
  level: z.enum(['WARNING', 'ERROR']),
  message: z.string(),
});
export type Bulletin = z.infer<typeof Bulletin>;

export const ProcessorStatus = z.object({
  state: z.enum(['RUNNING', 'STOPPED', 'INVALID']),
  /** Records taken from input queues / routed to connections, since the processor was loaded. */
  in: z.number(),
  out: z.number(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  /** Records processed (taken, or created by a source) per second over the last 1 s, 1 min, 5 min. */
  rate1s: z.number(),
  rate1m: z.number(),
  rate5m: z.number(),
  errors: z.number(),
  /** Records sent back to the input queue by the retry policy. */
  retried: z.number(),
  activeTasks: z.number(),
  /** Epoch ms until which the processor is penalized after a failure, if it is. */
  penalizedUntil: z.number().optional(),
  /** Epoch ms of the next trigger of a timer- or cron-driven processor. */
  nextRunAt: z.number().optional(),
  /** True when an outgoing connection is full, so the engine is not scheduling it. */
  backPressured: z.boolean(),
  validationErrors: z.array(z.string()),
  bulletins: z.array(Bulletin),
  /** Processor-specific view (recent records of an Inspect sink, say): see ./views. */
  view: z.unknown().optional(),
});
export type ProcessorStatus = z.infer<typeof ProcessorStatus>;

export const ConnectionStatus = z.object({
  queued: z.number(),
  /** Of those, records held on disk only (beyond the connection's memory window). */
  onDisk: z.number(),
  /** Whether its records are written to the repository (survive a crash). */
  durable: z.boolean(),
  bytes: z.number(),
  countThreshold: z.number(),
  bytesThreshold: z.number(),
  /** Fill level of the fuller of the two thresholds, 0..100+ (thresholds are soft). */
  percent: z.number(),
  backPressure: z.boolean(),
  /** Records removed because they were older than the connection's expiration. */
  expired: z.number(),
  /** How long the longest-waiting queued record has waited. */
  oldestMs: z.number(),
  /** Time in queue of recently dequeued records: median and 99th percentile. */
  waitP50Ms: z.number(),
  waitP99Ms: z.number(),
});
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

export const EngineStatus = z.object({
  /** Event-loop delay over the last few seconds: how responsive the server is under load. */
  eventLoopLagP99Ms: z.number(),
  eventLoopLagMaxMs: z.number(),
  /** The engine's own warnings: the repository's recovery found a torn journal, writes fail (disk full). */
  bulletins: z.array(Bulletin).optional(),
});
export type EngineStatus = z.infer<typeof EngineStatus>;

export const FlowStats = z.object({
  flowId: z.string(),
  at: z.number(),
  engine: EngineStatus.optional(),
  processors: z.record(z.string(), ProcessorStatus),
  connections: z.record(z.string(), ConnectionStatus),
});
export type FlowStats = z.infer<typeof FlowStats>;

/** One point of a component's status history (GET /api/flows/:id/history/:componentId). */
export const StatusHistoryPoint = z.object({
  at: z.number(),
  /** Processors: records/s; connections: queued records. */
  value: z.number(),
  errors: z.number().optional(),
});
export type StatusHistoryPoint = z.infer<typeof StatusHistoryPoint>;

/** A record waiting in a connection, as the queue listing shows it (GET …/connections/:cid/queue). */
export const QueuedRecordSummary = z.object({
  id: z.number(),
  attributes: z.record(z.string(), z.string()),
  /** Ids of the records it was made from. */
  parents: z.array(z.number()),
  /** When it entered the flow, and this queue. */
  entryTime: z.number(),
  enqueuedAt: z.number(),
  /** Estimated bytes. */
  size: z.number(),
  /** The start of its content as JSON. */
  preview: z.string(),
});
export type QueuedRecordSummary = z.infer<typeof QueuedRecordSummary>;

/** The queue listing: the first records in the order they leave the queue (NiFi lists 100). */
export const QUEUE_LISTING_MAX = 100;

/** How often the engine pushes stats to viewers. */
export const STATS_INTERVAL_MS = 500;

export const Events = {
  /** client → server: start receiving a flow's live events. */
  subscribe: 'flow:subscribe',
  unsubscribe: 'flow:unsubscribe',
  /** server → client: a stats snapshot of one flow. */
  stats: 'flow:stats',
  /** server → client: the flow's graph was changed (by anyone); refetch it. */
  changed: 'flow:changed',
} as const;

export interface ServerToClientEvents {
  [Events.stats]: (stats: FlowStats) => void;
  [Events.changed]: (change: { flowId: string }) => void;
}

export interface ClientToServerEvents {
  [Events.subscribe]: (flowId: string) => void;
  [Events.unsubscribe]: (flowId: string) => void;
}

/** socket.io room of one flow. */
export const flowRoom = (flowId: string) => `flow:${flowId}`;
