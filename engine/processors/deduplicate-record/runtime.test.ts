import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runProcessor } from '../../testing/run-processor';
import deduplicateRecord, { type DeduplicateView } from './runtime';
import { SeenKeys } from './seen-keys';

const orderIds = (records: readonly { content: unknown }[]) => records.map((r) => (r.content as { orderId: number }).orderId);

test('first record per key is unique, repeats (also within one batch) are duplicates; counts in the view', async () => {
  const run = runProcessor(deduplicateRecord).props({ fields: 'region, orderId' });
  await run.enqueue([{ region: 'eu', orderId: 1 }, { region: 'us', orderId: 1 }, { region: 'eu', orderId: 1, retry: true }]).run();
  await run.enqueue([{ region: 'us', orderId: 1 }, { region: 'eu', orderId: 2 }]).run();
  assert.deepEqual(run.routed('unique').map((r) => r.content), [{ region: 'eu', orderId: 1 }, { region: 'us', orderId: 1 }, { region: 'eu', orderId: 2 }]);
  assert.equal(run.routed('duplicate').length, 2);
  assert.deepEqual(run.status.view as DeduplicateView, { unique: 3, duplicates: 2, remembered: 3 });
});

test('keys from fields keep types apart and nested paths work; a missing key field is a failure', async () => {
  const run = await runProcessor(deduplicateRecord)
    .props({ fields: 'order.id' })
    .enqueue([{ order: { id: 1 } }, { order: { id: '1' } }, { order: {} }, { order: { id: null } }])
    .run();
  assert.equal(run.routed('unique').length, 3, '1, "1" and null are three keys');
  assert.equal(run.routed('failure')[0].attributes['error.message'], 'key field order.id is missing');
});

test('keys from a JSONata expression, with the attributes bound', async () => {
  const run = await runProcessor(deduplicateRecord)
    .props({ keyFrom: 'expression', expression: "$attributes.table & ':' & $string(id)" })
    .enqueue([{ id: 1 }, { id: 1 }], { table: 'orders' })
    .enqueue([{ id: 1 }], { table: 'refunds' })
    .run();
  assert.deepEqual(run.routed('unique').map((r) => r.attributes.table), ['orders', 'refunds']);
  assert.equal(run.routed('duplicate').length, 1);
  const nothing = await runProcessor(deduplicateRecord).props({ keyFrom: 'expression', expression: 'orderId' }).enqueue([{ other: 1 }]).run();
  assert.equal(nothing.routed('failure')[0].attributes['error.message'], 'the key expression gave nothing');
});

test('LRU: past maxEntries the least recently seen key is forgotten', async () => {
  const run = runProcessor(deduplicateRecord).props({ maxEntries: 2, persist: false });
  await run.enqueue([{ orderId: 1 }, { orderId: 2 }, { orderId: 1 }, { orderId: 3 }]).run(); // 1 seen again, so 2 is the one pushed out by 3
  await run.enqueue([{ orderId: 1 }, { orderId: 2 }]).run();
  assert.deepEqual(orderIds(run.routed('unique')), [1, 2, 3, 2]);
  assert.deepEqual(orderIds(run.routed('duplicate')), [1, 1]);
  assert.equal((run.status.view as DeduplicateView).remembered, 2);
});

test('window: a key is forgotten that long after it was first seen', () => {
  const keys = new SeenKeys(10, 1_000);
  assert.equal(keys.seen('a', 0), false);
  assert.equal(keys.seen('a', 999), true);
  assert.equal(keys.seen('a', 1_000), false, 'window over: unique again, and remembered anew');
  assert.equal(keys.seen('a', 1_500), true);
});

test('the keys survive a restart through the processor state; without persist they do not', async () => {
  const first = runProcessor(deduplicateRecord);
  await first.enqueue([{ orderId: 1 }, { orderId: 2 }]).run();
  await first.stop();
  const saved = (await first.state()) as { keys: [string, number][] };
  assert.deepEqual(saved.keys.map(([key]) => key), ['[1]', '[2]']);
  const restarted = await runProcessor(deduplicateRecord).withState(first.stateStore).enqueue([{ orderId: 2 }, { orderId: 3 }]).run();
  assert.deepEqual(orderIds(restarted.routed('duplicate')), [2]);
  assert.deepEqual(orderIds(restarted.routed('unique')), [3]);

  const forgetful = runProcessor(deduplicateRecord).props({ persist: false });
  await forgetful.enqueue([{ orderId: 1 }]).run();
  assert.equal(await forgetful.state(), undefined);
});

test('forget (what a rolled-back trigger does) makes its keys unique again; other keys stay', () => {
  const keys = new SeenKeys(10, 0);
  keys.seen('old', 0);
  assert.equal(keys.seen('new', 1), false);
  keys.forget(['new']);
  assert.equal(keys.seen('new', 2), false);
  assert.equal(keys.seen('old', 2), true);
});

test('SeenKeys matches a plain LRU over many evictions and refreshes', () => {
  const keys = new SeenKeys(10, 0);
  const reference: string[] = []; // least recently seen first
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let step = 0; step < 20_000; step++) {
    const key = String(Math.floor(random() * 30));
    const at = reference.indexOf(key);
    if (at >= 0) reference.splice(at, 1);
    reference.push(key);
    if (reference.length > 10) reference.shift();
    assert.equal(keys.seen(key, step), at >= 0, `step ${step}, key ${key}`);
  }
  assert.deepEqual(keys.snapshot().map(([key]) => key), reference);
});
