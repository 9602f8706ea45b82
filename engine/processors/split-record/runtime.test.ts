import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runProcessor } from '../../testing/run-processor';
import splitRecord from './runtime';

test('an array content becomes one record per element, with lineage and fragment attributes', async () => {
  const run = await runProcessor(splitRecord).enqueue([[{ sku: 'PF-110' }, { sku: 'PF-490' }, { sku: 'PF-150' }]], { source: 'shop-eu' }).run();
  const [parent] = run.routed('original');
  const pieces = run.routed('split');
  assert.deepEqual(pieces.map((r) => r.content), [{ sku: 'PF-110' }, { sku: 'PF-490' }, { sku: 'PF-150' }]);
  assert.ok(pieces.every((r) => r.parents.length === 1 && r.parents[0] === parent.id && r.id !== parent.id));
  assert.deepEqual(pieces.map((r) => r.attributes['fragment.index']), ['0', '1', '2']);
  assert.ok(pieces.every((r) => r.attributes['fragment.count'] === '3' && r.attributes.source === 'shop-eu'));
  const original = parent;
  assert.match(original.attributes['fragment.identifier'], /^[0-9a-f-]{36}$/);
  assert.ok(pieces.every((r) => r.attributes['fragment.identifier'] === original.attributes['fragment.identifier']));
});

test('a field given by JSONata is split; pieces of different records get different identifiers', async () => {
  const run = await runProcessor(splitRecord)
    .props({ array: 'items[qty > 0][]' })
    .enqueue([{ orderId: 1, items: [{ qty: 1 }, { qty: 0 }, { qty: 2 }] }, { orderId: 2, items: [{ qty: 5 }] }])
    .run();
  const pieces = run.routed('split');
  assert.deepEqual(pieces.map((r) => r.content), [{ qty: 1 }, { qty: 2 }, { qty: 5 }]);
  assert.notEqual(pieces[0].attributes['fragment.identifier'], pieces[2].attributes['fragment.identifier']);
  assert.equal(pieces[2].attributes['fragment.count'], '1');
});

test('chunks of N elements: the last chunk holds the rest', async () => {
  const run = await runProcessor(splitRecord).props({ chunkSize: 2 }).enqueue([[1, 2, 3, 4, 5]]).run();
  assert.deepEqual(run.routed('split').map((r) => r.content), [[1, 2], [3, 4], [5]]);
  assert.deepEqual(run.routed('split').map((r) => r.attributes['fragment.count']), ['3', '3', '3']);
});

test('an empty array gives no pieces; the original says 0', async () => {
  const run = await runProcessor(splitRecord).props({ array: 'items' }).enqueue([{ items: [] }]).run();
  assert.equal(run.routed('split').length, 0);
  assert.equal(run.routed('original')[0].attributes['fragment.count'], '0');
});

test('a value that is not an array, or missing, goes to failure with the reason', async () => {
  const run = await runProcessor(splitRecord).props({ array: 'items' }).enqueue([{ items: 'PF-110' }, { other: 1 }, { items: [1] }]).run();
  const failures = run.routed('failure');
  assert.deepEqual(failures.map((r) => r.attributes['error.message']), [
    'the array `items` is not an array but a string ("PF-110"); if it matched one element, write `items[]` to always get an array',
    'the array `items` gave nothing (a missing field, or nothing matched)',
  ]);
  assert.deepEqual(run.routed('split').map((r) => r.content), [1]);
  const content = await runProcessor(splitRecord).enqueue([{ a: 1 }]).run();
  assert.equal(content.routed('failure')[0].attributes['error.message'], 'the record content is not an array but an object');
});

test('an expression that fails at run time sends the record to failure', async () => {
  const run = await runProcessor(splitRecord).props({ array: '$number(items)' }).enqueue([{ items: 'x' }]).run();
  assert.match(run.routed('failure')[0].attributes['error.message'], /^the array `\$number\(items\)`: Unable to cast/);
});
