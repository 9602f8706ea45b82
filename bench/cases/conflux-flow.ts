/**
 * One Conflux case: GenerateRecords → (Transform with JSONata | SetField) → Count, N records, in
 * the real engine with default connection thresholds. Usage: conflux-flow.ts <jsonata|setfield> <N>
 * (connections in memory; in a repository with CONFLUX_BENCH_STORE=durable, see ./shared).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_FLOW_SETTINGS, connectionConfig, flowGraph, processorConfig } from '../../engine/flow/build';
import { processorImplementations } from '../../engine/processors/runtimes';
import { Engine } from '../../engine/runtime/engine';
import type { CountView } from '../../engine/protocol/views';
import { TEMPLATE, TRANSFORM, benchRepository, eventLoopLag, peakRssMB, report } from './shared';

const variant = process.argv[2] === 'setfield' ? 'setfield' : 'jsonata';
const records = Number(process.argv[3] ?? 1_000_000);

const step =
  variant === 'jsonata'
    ? { type: 'Transform', properties: { expression: TRANSFORM, mode: 'merge' } }
    : { type: 'SetField', properties: { field: 'total', operation: 'multiply', left: 'qty', right: 'price' } };

// default connection thresholds (10,000 records) and batch size (1,000): what a user gets
const graph = flowGraph({
  id: 'bench',
  // CONFLUX_BENCH_SYNC=always: every acknowledgement waits for fsync (with CONFLUX_BENCH_STORE=durable)
  settings: { ...DEFAULT_FLOW_SETTINGS, sync: process.env.CONFLUX_BENCH_SYNC === 'always' ? 'always' : 'os' },
  processors: [
    processorConfig({ id: 'gen', type: 'GenerateRecords', properties: { template: TEMPLATE, rate: 0, limit: records } }),
    processorConfig({ id: 'step', ...step, autoTerminated: ['failure'] }),
    processorConfig({ id: 'count', type: 'Count' }),
  ],
  connections: [
    connectionConfig({ id: 'c1', sourceId: 'gen', relationship: 'success', targetId: 'step' }),
    connectionConfig({ id: 'c2', sourceId: 'step', relationship: 'success', targetId: 'count' }),
  ],
});

const store = await benchRepository();
const engine = new Engine({ processors: processorImplementations, repository: store?.repository });
engine.load(graph);
const lag = eventLoopLag();
const started = performance.now();
const result = await engine.start('bench');
if (result.invalid.length || result.failed.length) throw new Error(`bench flow did not start: ${JSON.stringify(result)}`);
const counted = () => (engine.stats('bench').processors.count.view as CountView).count;
while (counted() < records) await sleep(5);
const seconds = (performance.now() - started) / 1000;
const stats = engine.stats('bench');
if (counted() !== records || stats.processors.step.out !== records) throw new Error(`lost or duplicated records: ${counted()} of ${records}`);
report({
  engine: `conflux-${variant}`,
  records,
  seconds: Math.round(seconds * 100) / 100,
  recordsPerSec: Math.round(records / seconds),
  peakRssMB: peakRssMB(),
  eventLoopLagP99Ms: lag.p99Ms(),
});
await engine.shutdown();
await store?.close();
