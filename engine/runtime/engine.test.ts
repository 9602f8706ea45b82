import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineProcessor, implement } from '../sdk';
import { connectionConfig, flowGraph, processorConfig } from '../flow/build';
import type { ConnectionConfig, ProcessorConfig } from '../flow/schema';
import { testEngines } from '../testing/test-engines';
import { until } from '../testing/until';
import type { Engine } from './engine';

/** A processor that throws on its first `failures` triggers, then passes records on. */
const flakySpec = defineProcessor({
  type: 'Flaky',
  version: 1,
  category: 'Utility',
  summary: 'test only',
  input: 'required',
  properties: z.object({ failures: z.number().default(1) }),
  relationships: [{ name: 'success', description: 'passed' }],
});
const flaky = implement(flakySpec, ({ props }) => {
  let calls = 0;
  return {
    onTrigger(batch, session) {
      if (calls++ < props.failures) throw new Error('database went away');
      for (const r of batch) session.transfer(r, 'success');
    },
  };
});

const newEngine = testEngines([flaky]);

let ids = 0;
function processor(type: string, properties: Record<string, unknown>, extra: Partial<ProcessorConfig> = {}): ProcessorConfig {
  return processorConfig({ id: `p${ids++}`, type, properties, batchSize: 100, ...extra });
}
function connect(source: ProcessorConfig, relationship: string, target: ProcessorConfig, countThreshold = 10_000): ConnectionConfig {
  return connectionConfig({ id: `c${ids++}`, sourceId: source.id, relationship, targetId: target.id, countThreshold });
}
const countOf = (engine: Engine, flowId: string, id: string) => (engine.stats(flowId).processors[id].view as { count: number }).count;

test('back pressure pauses the upstream at the threshold; every record arrives exactly once', async () => {
  const engine = newEngine();
  const gen = processor('GenerateRecords', { template: '{"n": $i}', rate: 0, limit: 3000 });
  const slow = processor('Delay', { delayMs: 20 }, { batchSize: 50 });
  const count = processor('Count', {});
  const queue = connect(gen, 'success', slow, 200);
  const graph = flowGraph({ id: 'bp', processors: [gen, slow, count], connections: [queue, connect(slow, 'success', count)] });
  engine.load(graph);
  const result = await engine.start('bp');
  assert.deepEqual(result.invalid, []);
  let maxQueued = 0;
  let sawBackPressure = false;
  await until(() => {
    const stats = engine.stats('bp');
    maxQueued = Math.max(maxQueued, stats.connections[queue.id].queued);
    sawBackPressure ||= stats.processors[gen.id].backPressured && stats.connections[queue.id].backPressure;
    return countOf(engine, 'bp', count.id) === 3000;
  });
  assert.ok(sawBackPressure, 'the generator was seen back-pressured');
  // soft threshold: at most one generator batch beyond it
  assert.ok(maxQueued <= 200 + gen.batchSize, `queue peaked at ${maxQueued}`);
  assert.ok(maxQueued >= 200, `queue reached the threshold (peak ${maxQueued})`);
  const stats = engine.stats('bp');
  assert.equal(stats.processors[gen.id].out, 3000);
  assert.equal(stats.processors[slow.id].in, 3000);
  assert.equal(stats.connections[queue.id].queued, 0);
});

test('a stopped downstream fills its queue to the threshold, then the source stops being scheduled', async () => {
  const engine = newEngine();
  const gen = processor('GenerateRecords', { template: '{"n": $i}', rate: 0, limit: 0 });
  const count = processor('Count', {});
  const queue = connect(gen, 'success', count, 500);
  engine.load(flowGraph({ id: 'stop1', processors: [gen, count], connections: [queue] }));
  await engine.start('stop1', [gen.id]);
  await until(() => engine.stats('stop1').connections[queue.id].backPressure);
  const produced = engine.stats('stop1').processors[gen.id].out;
  await sleep(200);
  assert.equal(engine.stats('stop1').processors[gen.id].out, produced, 'no more records while back-pressured');
  assert.ok(produced <= 500 + gen.batchSize);
  await engine.start('stop1', [count.id]);
  await until(() => countOf(engine, 'stop1', count.id) > produced);
  await engine.stop('stop1');
});

test('a throwing processor rolls back: records return in order, it is penalized with a bulletin, then succeeds', async () => {
  const engine = newEngine();
  const gen = processor('GenerateRecords', { template: '{"n": $i}', rate: 0, limit: 250 });
  const bad = processor('Flaky', { failures: 2 });
  const sink = processor('Inspect', { keep: 100 });
  engine.load(flowGraph({ id: 'rb', processors: [gen, bad, sink], connections: [connect(gen, 'success', bad), connect(bad, 'success', sink)] }));
  await engine.start('rb');
  await until(() => engine.stats('rb').processors[sink.id].in === 250);
  const stats = engine.stats('rb').processors[bad.id];
  assert.equal(stats.errors, 2);
  assert.equal(stats.in, 250, 'each record processed once in the end');
  assert.match(stats.bulletins[0].message, /database went away \(batch of 100 rolled back; retry in 500 ms\)/);
  assert.match(stats.bulletins[1].message, /retry in 1000 ms/, 'the penalty doubles');
  const seen = (engine.stats('rb').processors[sink.id].view as { records: { content: { n: number } }[] }).records;
  assert.deepEqual(seen.map((r) => r.content.n), Array.from({ length: 100 }, (_, i) => 150 + i), 'order kept');
});

test('invalid processors are reported and not started; valid ones start', async () => {
  const engine = newEngine();
  const gen = processor('GenerateRecords', { template: '{"n": $i}', rate: 10, limit: 0 });
  const route = processor('RouteOnField', { routes: {} });
  const broken = processor('Transform', { expression: '{"a": ' });
  engine.load(flowGraph({ id: 'inv', processors: [gen, route, broken], connections: [connect(gen, 'success', route)] }));
  const result = await engine.start('inv');
  assert.deepEqual(result.started, [gen.id]);
  const byId = new Map(result.invalid.map((i) => [i.processorId, i.issues.map((x) => x.message).join(' | ')]));
  assert.match(byId.get(route.id)!, /add at least one route/);
  assert.match(byId.get(broken.id)!, /JSONata/);
  assert.match(byId.get(broken.id)!, /needs an incoming connection/);
  assert.equal(engine.stats('inv').processors[route.id].state, 'INVALID');
  await engine.stop('inv');
});

test('stats report rates and the graph can change while running without losing queued records', async () => {
  const engine = newEngine();
  const gen = processor('GenerateRecords', { template: '{"n": $i}', rate: 0, limit: 400 });
  const first = processor('Count', {});
  const queue = connect(gen, 'success', first);
  const graph = flowGraph({ id: 'rc', processors: [gen, first], connections: [queue] });
  engine.load(graph);
  await engine.start('rc', [gen.id]);
  await until(() => engine.stats('rc').connections[queue.id].queued === 400);
  const second = processor('Count', {});
  engine.load({ ...graph, processors: [gen, first, second], connections: [queue, connect(gen, 'success', second)] });
  assert.equal(engine.stats('rc').connections[queue.id].queued, 400, 'queue survives a reload');
  await engine.start('rc', [first.id]);
  await until(() => countOf(engine, 'rc', first.id) === 400);
  await sleep(250);
  assert.ok(engine.stats('rc').processors[gen.id].rate1m > 0);
});
