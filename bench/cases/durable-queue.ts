/**
 * A queue in the repository, in two processes so each phase's memory is its own:
 *   durable-queue.ts fill N DIR    GenerateRecords → (Count stopped): N records queued in one connection, then a clean stop
 *   durable-queue.ts drain N DIR   a restart on DIR: how long until the first queued record is processed, and all N
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connectionConfig, flowGraph, processorConfig } from '../../engine/flow/build';
import { processorImplementations } from '../../engine/processors/runtimes';
import type { CountView } from '../../engine/protocol/views';
import { Repository } from '../../engine/repository/repository';
import { Engine } from '../../engine/runtime/engine';
import { TEMPLATE, peakRssMB, report } from './shared';

const [phase, count, dir] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const graph = flowGraph({
  id: 'queue',
  processors: [
    processorConfig({ id: 'gen', type: 'GenerateRecords', properties: { template: TEMPLATE, rate: 0, limit: count } }),
    processorConfig({ id: 'count', type: 'Count' }),
  ],
  // thresholds above the records: the connection itself must hold them all
  connections: [connectionConfig({ id: 'q', sourceId: 'gen', relationship: 'success', targetId: 'count', countThreshold: 10_000_000, bytesThreshold: 64 * 1024 ** 3 })],
});

const started = performance.now();
const repository = await Repository.open(dir);
const engine = new Engine({ processors: processorImplementations, repository });
engine.load(graph);
if (phase === 'fill') {
  await engine.start('queue', ['gen']);
  while (engine.queued('queue', 'q') < count) await sleep(20);
  await engine.flushed();
  const seconds = (performance.now() - started) / 1000;
  const { onDisk } = engine.stats('queue').connections.q;
  const repositoryMB = Math.round(repository.status().bytes / 1024 ** 2);
  await engine.shutdown();
  await repository.close();
  report({ engine: 'durable-queue-fill', records: count, seconds: round(seconds), recordsPerSec: Math.round(count / seconds), peakRssMB: peakRssMB(), onDisk, repositoryMB });
} else {
  const opened = performance.now() - started;
  // the connection holds all N, its consumer not started yet: what a queue of N costs at rest
  const queuedRssMB = Math.round(process.memoryUsage.rss() / 1024 ** 2);
  const counted = () => (engine.stats('queue').processors.count.view as CountView | undefined)?.count ?? 0;
  if (engine.queued('queue', 'q') !== count) throw new Error(`${engine.queued('queue', 'q')} of ${count} records recovered`);
  await engine.start('queue', ['count']);
  while (counted() === 0) await sleep(1);
  const first = performance.now() - started;
  while (counted() < count) await sleep(5);
  const seconds = (performance.now() - started) / 1000;
  await engine.shutdown();
  await repository.close();
  report({ engine: 'durable-queue-drain', records: count, seconds: round(seconds), recordsPerSec: Math.round(count / seconds), peakRssMB: peakRssMB(), queuedRssMB, openMs: Math.round(opened), firstRecordMs: Math.round(first) });
}

function round(n: number) {
  return Math.round(n * 100) / 100;
}
