import { Cron } from 'croner';
import { z } from 'zod';

/**
 * The flow graph: one source of truth for its shape, used by the flow store, the API route handlers
 * (request parsing), the engine (what it runs) and the editor.
 */

export const DEFAULT_COUNT_THRESHOLD = 10_000;
export const DEFAULT_BYTES_THRESHOLD = 1024 ** 3;
export const DEFAULT_BATCH_SIZE = 1_000;

const id = z.string().min(1).max(64);
const name = z.string().trim().min(1, 'name is required').max(120);

export const Position = z.object({ x: z.number().finite(), y: z.number().finite() });

export const RunState = z.enum(['RUNNING', 'STOPPED']);
export type RunState = z.infer<typeof RunState>;

export const ScheduleStrategy = z.enum(['EVENT', 'TIMER', 'CRON']);

/** A cron expression (5 to 7 fields, seconds optional), checked by the scheduler's own parser. */
const cronExpression = z.string().superRefine((expression, ctx) => {
  if (expression.trim() === '') return;
  try {
    new Cron(expression, { paused: true });
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
  }
});

/** When and how often the engine triggers a processor. */
const SchedulingFields = z.object({
  /** EVENT: whenever input is waiting (sources: continuously); TIMER: every periodMs; CRON: at cron times. */
  strategy: ScheduleStrategy,
  periodMs: z.number().int().min(1).max(86_400_000),
  cron: cronExpression,
  /** Triggers of this processor that may run at once (asynchronous processors). */
  concurrency: z.number().int().min(1).max(16),
  /** Keep triggering while input waits for up to this long per scheduling: throughput for latency. */
  runDurationMs: z.number().int().min(0).max(2_000),
});
export const Scheduling = SchedulingFields.superRefine((s, ctx) => {
  if (s.strategy === 'CRON' && s.cron.trim() === '') ctx.addIssue({ code: 'custom', path: ['cron'], message: 'a cron expression is required' });
});
export type Scheduling = z.infer<typeof Scheduling>;

export const DEFAULT_SCHEDULING: Scheduling = { strategy: 'EVENT', periodMs: 1_000, cron: '', concurrency: 1, runDurationMs: 0 };

/**
 * Records routed to these relationships go back to the input queue instead, up to maxRetries times,
 * with the processor yielding backoffMs doubled per attempt; after that they are routed as asked.
 * A batch the processor keeps throwing on (rolled back isolateAfter times in a row, for a reason
 * that is not a passing outage) is then tried one record at a time: the records that fail alone go
 * to `failure` with the error, instead of blocking the queue forever. 0 never isolates.
 */
export const RetryPolicy = z.object({
  relationships: z.array(z.string()),
  maxRetries: z.number().int().min(0).max(10),
  backoffMs: z.number().int().min(0).max(600_000),
  isolateAfter: z.number().int().min(0).max(100),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;

export const DEFAULT_RETRY: RetryPolicy = { relationships: [], maxRetries: 3, backoffMs: 1_000, isolateAfter: 3 };

export const ProcessorConfig = z.object({
  id,
  type: z.string().min(1),
  name,
  position: Position,
  /** Property values as saved; validated against the processor's spec, not here. */
  properties: z.record(z.string(), z.unknown()),
  /** Relationships whose records are dropped on purpose instead of needing a connection. */
  autoTerminated: z.array(z.string()),
  /** At most this many records per trigger. */
  batchSize: z.number().int().min(1).max(100_000),
  scheduling: Scheduling,
  retry: RetryPolicy,
  /** Desired state: restored when the server restarts. */
  runState: RunState,
});
export type ProcessorConfig = z.infer<typeof ProcessorConfig>;

export const Prioritizer = z.enum(['FIFO', 'OLDEST_FIRST', 'NEWEST_FIRST', 'PRIORITY_ATTRIBUTE']);

export const ConnectionConfig = z.object({
  id,
  sourceId: id,
  relationship: z.string().min(1),
  targetId: id,
  /** Back pressure when this many records are queued. */
  countThreshold: z.number().int().min(1).max(10_000_000),
  /** Back pressure when this many bytes (estimated) are queued. */
  bytesThreshold: z.number().int().min(1024).max(1024 ** 4),
  /** Which queued record goes next: arrival order, oldest or newest in the flow, or the `priority` attribute. */
  prioritizer: Prioritizer,
  /** Records older than this (since they entered the flow) are removed from the queue; 0: never. */
  expirationMs: z.number().int().min(0).max(30 * 86_400_000),
  /**
   * Its records are written to the repository and survive a crash (the default). An in-memory
   * connection is faster and loses what it holds when the server stops.
   */
  durable: z.boolean(),
});
export type ConnectionConfig = z.infer<typeof ConnectionConfig>;

/**
 * When a commit counts as durable: `os`, once written to the operating system (survives a crash
 * or kill of the server); `always`, once on the disk too (fsync: survives a power loss, NiFi's
 * always.sync), at the cost of a disk flush per group commit.
 */
export const SyncPolicy = z.enum(['os', 'always']);
export type SyncPolicy = z.infer<typeof SyncPolicy>;

/** Flow-wide settings: defaults for new connections, and how durable commits are. */
export const FlowSettings = z.object({
  countThreshold: ConnectionConfig.shape.countThreshold,
  bytesThreshold: ConnectionConfig.shape.bytesThreshold,
  sync: SyncPolicy,
});
export type FlowSettings = z.infer<typeof FlowSettings>;

/** A controller service of a flow: a pool or client that processors name in their properties. */
export const ServiceConfig = z.object({
  id,
  type: z.string().min(1),
  name,
  /** Property values as saved; validated against the service's spec, not here. */
  properties: z.record(z.string(), z.unknown()),
});
export type ServiceConfig = z.infer<typeof ServiceConfig>;

export const FlowGraph = z.object({
  id,
  name,
  settings: FlowSettings,
  processors: z.array(ProcessorConfig),
  connections: z.array(ConnectionConfig),
  services: z.array(ServiceConfig),
});
export type FlowGraph = z.infer<typeof FlowGraph>;

export const FlowSummary = z.object({
  id,
  name,
  processorCount: z.number().int(),
  running: z.boolean(),
  updatedAt: z.string(),
});
export type FlowSummary = z.infer<typeof FlowSummary>;

// ---- request bodies of the flow API (parsed by the route handlers, sent by the editor) ----

export const CreateFlowInput = z.object({ name });
export const UpdateFlowInput = z.object({ name, settings: FlowSettings.partial() }).partial().strict();

export const CreateProcessorInput = z.object({
  type: z.string().min(1),
  name: name.optional(),
  position: Position,
});

export const UpdateProcessorInput = z
  .object({
    name,
    position: Position,
    properties: z.record(z.string(), z.unknown()),
    autoTerminated: z.array(z.string()),
    batchSize: ProcessorConfig.shape.batchSize,
    /** Only the fields to change: merged over the stored scheduling, then checked whole. */
    scheduling: SchedulingFields.partial().strict(),
    /** Only the fields to change: merged over the stored policy. */
    retry: RetryPolicy.partial().strict(),
  })
  .partial()
  .strict();

export const CreateConnectionInput = z.object({
  sourceId: id,
  relationship: z.string().min(1),
  targetId: id,
  countThreshold: ConnectionConfig.shape.countThreshold.optional(),
  bytesThreshold: ConnectionConfig.shape.bytesThreshold.optional(),
  prioritizer: Prioritizer.optional(),
  expirationMs: ConnectionConfig.shape.expirationMs.optional(),
  durable: ConnectionConfig.shape.durable.optional(),
});

export const UpdateConnectionInput = ConnectionConfig.pick({ countThreshold: true, bytesThreshold: true, prioritizer: true, expirationMs: true, durable: true })
  .partial()
  .strict();

export const CreateServiceInput = z.object({
  type: z.string().min(1),
  name: name.optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
});

export const UpdateServiceInput = z.object({ name, properties: z.record(z.string(), z.unknown()) }).partial().strict();

export const RunInput = z.object({
  action: z.enum(['start', 'stop']),
  /** One processor; the whole flow when absent. */
  processorId: id.optional(),
});
