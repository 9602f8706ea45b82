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
  /** Desired state: restored when the server restarts. */
  runState: RunState,
});
export type ProcessorConfig = z.infer<typeof ProcessorConfig>;

export const ConnectionConfig = z.object({
  id,
  sourceId: id,
  relationship: z.string().min(1),
  targetId: id,
  /** Back pressure when this many records are queued. */
  countThreshold: z.number().int().min(1).max(10_000_000),
  /** Back pressure when this many bytes (estimated) are queued. */
  bytesThreshold: z.number().int().min(1024).max(1024 ** 4),
});
export type ConnectionConfig = z.infer<typeof ConnectionConfig>;

export const FlowGraph = z.object({
  id,
  name,
  processors: z.array(ProcessorConfig),
  connections: z.array(ConnectionConfig),
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
export const RenameFlowInput = z.object({ name });

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
  })
  .partial()
  .strict();

export const CreateConnectionInput = z.object({
  sourceId: id,
  relationship: z.string().min(1),
  targetId: id,
  countThreshold: ConnectionConfig.shape.countThreshold.optional(),
  bytesThreshold: ConnectionConfig.shape.bytesThreshold.optional(),
});

export const UpdateConnectionInput = ConnectionConfig.pick({ countThreshold: true, bytesThreshold: true })
  .partial()
  .strict();

export const RunInput = z.object({
  action: z.enum(['start', 'stop']),
  /** One processor; the whole flow when absent. */
  processorId: id.optional(),
});
