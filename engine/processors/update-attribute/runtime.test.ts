import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runProcessor } from '../../testing/run-processor';
import { updateAttributeSpec } from './spec';
import updateAttribute from './runtime';

test('sets attributes from the content and from other attributes; non-strings are written as JSON', async () => {
  const run = await runProcessor(updateAttribute)
    .props({
      set: {
        region: 'region',
        kind: "'order'",
        key: "$attributes.table & ':' & $string(orderId)",
        total: 'qty * price',
        line: '{"sku": sku}',
      },
    })
    .enqueue([{ orderId: 7, region: 'eu-west', qty: 2, price: 39.5, sku: 'PF-110' }], { table: 'orders' })
    .run();
  const [record] = run.routed('success');
  assert.deepEqual(record.attributes, {
    table: 'orders',
    region: 'eu-west',
    kind: 'order',
    key: 'orders:7',
    total: '79',
    line: '{"sku":"PF-110"}',
  });
  assert.deepEqual(record.content, { orderId: 7, region: 'eu-west', qty: 2, price: 39.5, sku: 'PF-110' }, 'content untouched');
});

test('an expression that finds nothing leaves the attribute as it was', async () => {
  const run = await runProcessor(updateAttribute).props({ set: { region: 'region' } }).enqueue([{ id: 1 }], { region: 'unknown' }).run();
  assert.equal(run.routed('success')[0].attributes.region, 'unknown');
});

test('deletes attributes, keeping the others', async () => {
  const run = await runProcessor(updateAttribute)
    .props({ delete: 'http.headers, retry.note', set: { seen: 'true' } })
    .enqueue([{}], { 'http.headers': '{}', 'retry.note': 'x', table: 'orders' })
    .run();
  assert.deepEqual(run.routed('success')[0].attributes, { table: 'orders', seen: 'true' });
});

test('evaluation errors go to failure, naming the attribute; the interpreter path (arrays) works too', async () => {
  const run = await runProcessor(updateAttribute)
    .props({ set: { qty: '$number(qty)', skus: '$join(items.sku, ",")' } })
    .enqueue([{ qty: '3', items: [{ sku: 'A' }, { sku: 'B' }] }, { qty: 'three', items: [] }])
    .run();
  const [ok] = run.routed('success');
  assert.equal(ok.attributes.qty, '3');
  assert.equal(ok.attributes.skus, 'A,B');
  const [failed] = run.routed('failure');
  assert.match(failed.attributes['error.message'], /^attribute "qty": Unable to cast value to a number/);
});

test('configuration: nothing to do, a name both set and deleted, and a bad expression are reported per property', () => {
  assert.deepEqual(updateAttributeSpec.validate!(updateAttributeSpec.properties.parse({})), [{ property: 'set', message: 'set or delete at least one attribute' }]);
  const both = updateAttributeSpec.validate!(updateAttributeSpec.properties.parse({ set: { region: 'region' }, delete: 'region' }));
  assert.deepEqual(both, [{ property: 'delete', message: '"region" is both set and deleted' }]);
  const parsed = updateAttributeSpec.properties.safeParse({ set: { region: 'region +' } });
  assert.ok(!parsed.success);
  assert.deepEqual(parsed.error.issues[0].path, ['set', 'region']);
  assert.match(parsed.error.issues[0].message, /^JSONata: /);
});
