import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateSize } from '../../sdk';
import { connectionConfig, flowGraph, processorConfig } from '../../flow/build';
import type { InspectView } from '../../protocol/views';
import { runProcessor } from '../../testing/run-processor';
import { testEngines } from '../../testing/test-engines';
import { until } from '../../testing/until';
import mergeRecord, { type MergeView } from './runtime';
import { mergeRecordSpec } from './spec';

const newEngine = testEngines([mergeRecord]);
const numbers = (records: readonly { content: unknown }[]) => records.map((r) => (r.content as { n: number }[]).map((c) => c.n));
const ns = (...values: number[]) => values.map((n) => ({ n }));

test('records wait in the input queue until the minimum is reached, then merge in order, with lineage', async () => {
  const run = runProcessor(mergeRecord).props({ minRecords: 3 });
  await run.enqueue(ns(1, 2)).run();
  assert.equal(run.routed('merged').length, 0);
  assert.equal(run.queued, 2, 'the waiting records are in the input queue, not in the processor');
  assert.equal(run.status.in, 0, 'and not counted as taken');
  await run.enqueue(ns(3)).run();
  const [merged] = run.routed('merged');
  assert.deepEqual(merged.content, ns(1, 2, 3));
  const originals = run.routed('original');
  assert.deepEqual(merged.parents, originals.map((r) => r.id));
  assert.equal(merged.attributes['merge.count'], '3');
  assert.equal(merged.attributes['merge.reason'], 'min-records');
  assert.equal(run.queued, 0);
  assert.equal(run.status.in, 3);
  assert.deepEqual(run.status.view as MergeView, { merged: 1, waiting: 0 });
});

test('the maximum count cuts bins; a remainder below the minimum waits', async () => {
  const run = await runProcessor(mergeRecord).props({ minRecords: 2, maxRecords: 3 }).enqueue(ns(1, 2, 3, 4, 5, 6, 7)).run();
  assert.deepEqual(numbers(run.routed('merged')), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(run.routed('merged').map((r) => r.attributes['merge.reason']), ['max-records', 'max-records']);
  assert.equal(run.queued, 1);
  assert.deepEqual(run.status.view as MergeView, { merged: 2, waiting: 1 });
});

test('the maximum size bounds every bin of a large input; a record bigger than a bin goes to failure', async () => {
  const line = (n: number) => ({ n, sku: `PF-${n}`, note: 'x'.repeat(40) });
  const records = Array.from({ length: 3_000 }, (_, n) => line(n));
  records.splice(10, 0, { n: -1, sku: 'huge', note: 'x'.repeat(5_000) });
  const run = await runProcessor(mergeRecord).props({ maxRecords: 1_000, maxBytes: 2_000 }).batch(1_000).enqueue(records).run(4);
  const merged = run.routed('merged');
  assert.ok(merged.length > 30);
  for (const record of merged) assert.ok(estimateSize(record.content) <= 2_000, `${estimateSize(record.content)} bytes`);
  // a batch's last bin is merged by the minimum (1): the next batch cannot add to it
  const reasons = merged.map((r) => r.attributes['merge.reason']);
  assert.deepEqual([...new Set(reasons)].sort(), ['max-bytes', 'min-records']);
  assert.ok(reasons.filter((r) => r === 'min-records').length <= 4, 'one per batch of 1000 at most');
  assert.equal(merged.reduce((sum, r) => sum + (r.content as unknown[]).length, 0), 3_000);
  const [failed] = run.routed('failure');
  assert.equal((failed.content as { n: number }).n, -1);
  assert.match(failed.attributes['error.message'], /^the record is about \d+ bytes, more than the maximum bin size \(2000 bytes\)$/);
});

test('correlation: one bin per attribute value; the merged record keeps the attributes they share', async () => {
  const run = runProcessor(mergeRecord).props({ minRecords: 2, correlationAttribute: 'region' });
  run.enqueue(ns(1), { region: 'eu', table: 'orders', shop: 'a' });
  run.enqueue(ns(2), { region: 'us', table: 'orders' });
  run.enqueue(ns(3), { region: 'eu', table: 'orders', shop: 'b' });
  run.enqueue(ns(4), { table: 'orders' });
  await run.run();
  const [merged] = run.routed('merged');
  assert.deepEqual(merged.content, ns(1, 3));
  assert.deepEqual(merged.attributes, { region: 'eu', table: 'orders', 'merge.count': '2', 'merge.reason': 'min-records', 'merge.bin.age': '0' });
  assert.equal(run.queued, 2, 'us and the record without a region wait for a partner');
});

test('a full batch with no bin ready merges its oldest bin, so the queue keeps moving', async () => {
  const run = runProcessor(mergeRecord).props({ minRecords: 4, correlationAttribute: 'region' }).batch(4);
  for (const [n, region] of [[1, 'eu'], [2, 'us'], [3, 'eu'], [4, 'ap'], [5, 'us'], [6, 'eu']] as const) run.enqueue(ns(n), { region });
  await run.run();
  const [first] = run.routed('merged');
  assert.deepEqual(first.content, ns(1, 3));
  assert.equal(first.attributes['merge.reason'], 'batch-full');
  assert.equal(run.queued, 4);
  await run.run();
  assert.deepEqual(numbers(run.routed('merged')), [[1, 3], [2, 5]], 'the next batch sees the records that were behind');
});

test('a bin older than the maximum age is merged with no new input (the processor yields until then)', async () => {
  const engine = newEngine();
  engine.load(flowGraph({
    id: 'merge-age',
    processors: [
      processorConfig({ id: 'gen', type: 'GenerateRecords', properties: { template: '{"n": $i}', rate: 0, limit: 3 } }),
      processorConfig({ id: 'merge', type: 'MergeRecord', properties: { minRecords: 100, maxBinAgeMs: 300 }, autoTerminated: ['original', 'failure'] }),
      processorConfig({ id: 'sink', type: 'Inspect', properties: { keep: 5 } }),
    ],
    connections: [
      connectionConfig({ id: 'a', sourceId: 'gen', relationship: 'success', targetId: 'merge' }),
      connectionConfig({ id: 'b', sourceId: 'merge', relationship: 'merged', targetId: 'sink' }),
    ],
  }));
  const started = Date.now();
  await engine.start('merge-age');
  await until(() => engine.stats('merge-age').processors.sink.in === 1);
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 300, `merged after ${elapsed} ms`);
  const [merged] = (engine.stats('merge-age').processors.sink.view as InspectView).records;
  assert.deepEqual(merged.content, ns(0, 1, 2));
  assert.equal(merged.attributes['merge.reason'], 'max-age');
  assert.ok(Number(merged.attributes['merge.bin.age']) >= 300);
  const stats = engine.stats('merge-age').processors.merge;
  assert.equal(stats.in, 3, 'taken and requeued while waiting, counted once');
  assert.equal(stats.errors, 0);
});

test('configuration: the minimum must fit in one batch (start error) and the maximum be at least the minimum', async () => {
  await assert.rejects(runProcessor(mergeRecord).props({ minRecords: 2_000 }).batch(1_000).run(), /Minimum records \(2000\) is more than the batch size \(1000\)/);
  const props = mergeRecordSpec.properties.parse({ minRecords: 10, maxRecords: 5 });
  assert.deepEqual(mergeRecordSpec.validate!(props), [{ property: 'maxRecords', message: 'must be at least the minimum (10)' }]);
});
