import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_BYTES_THRESHOLD,
  DEFAULT_COUNT_THRESHOLD,
  DEFAULT_RETRY,
  DEFAULT_SCHEDULING,
  type ConnectionConfig,
  type FlowGraph,
  type FlowSettings,
  type ProcessorConfig,
  type RetryPolicy,
  type Scheduling,
  type ServiceConfig,
} from './schema';
import { specOf } from '../processors/specs';

/** Flow graphs written in code (demo flow, benchmarks, tests): name what matters, defaults for the rest. */

export const DEFAULT_FLOW_SETTINGS: FlowSettings = { countThreshold: DEFAULT_COUNT_THRESHOLD, bytesThreshold: DEFAULT_BYTES_THRESHOLD, sync: 'os' };

type ProcessorSketch = Pick<ProcessorConfig, 'id' | 'type'> &
  Partial<Omit<ProcessorConfig, 'scheduling' | 'retry'>> & { scheduling?: Partial<Scheduling>; retry?: Partial<RetryPolicy> };

export function processorConfig(p: ProcessorSketch): ProcessorConfig {
  return {
    name: p.type,
    position: { x: 0, y: 0 },
    properties: {},
    autoTerminated: [],
    batchSize: specOf(p.type)?.defaultBatchSize ?? DEFAULT_BATCH_SIZE,
    runState: 'STOPPED',
    ...p,
    scheduling: { ...DEFAULT_SCHEDULING, ...p.scheduling },
    retry: { ...DEFAULT_RETRY, ...p.retry },
  };
}

export function connectionConfig(
  c: Pick<ConnectionConfig, 'id' | 'sourceId' | 'relationship' | 'targetId'> & Partial<ConnectionConfig>,
): ConnectionConfig {
  return { countThreshold: DEFAULT_COUNT_THRESHOLD, bytesThreshold: DEFAULT_BYTES_THRESHOLD, prioritizer: 'FIFO', expirationMs: 0, durable: true, ...c };
}

export function flowGraph(g: Pick<FlowGraph, 'id' | 'processors' | 'connections'> & Partial<FlowGraph>): FlowGraph {
  return { name: g.id, settings: DEFAULT_FLOW_SETTINGS, services: [], ...g };
}

export function serviceConfig(s: Pick<ServiceConfig, 'id' | 'type'> & Partial<ServiceConfig>): ServiceConfig {
  return { name: s.type, properties: {}, ...s };
}
