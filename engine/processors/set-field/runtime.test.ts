import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runProcessor } from '../../testing/run-processor';
import setField from './runtime';

test('multiplies two fields into a new one, leaving the input record untouched', async () => {
  const input = { qty: 3, price: 39 };
  const run = await runProcessor(setField).props({ field: 'total', operation: 'multiply', left: 'qty', right: 'price' }).enqueue([input]).run();
  assert.deepEqual(run.routed('success')[0].content, { qty: 3, price: 39, total: 117 });
  assert.deepEqual(input, { qty: 3, price: 39 });
});

test('constants, copies, literals, nested paths and concatenation', async () => {
  const cases: [Record<string, string>, unknown, unknown][] = [
    [{ field: 'source', operation: 'constant', left: '"asia-db"' }, { a: 1 }, { a: 1, source: 'asia-db' }],
    [{ field: 'order.total', operation: 'add', left: 'order.net', right: '2.5' }, { order: { net: 10 } }, { order: { net: 10, total: 12.5 } }],
    [{ field: 'id', operation: 'concat', left: 'region', right: 'n' }, { region: 'eu-', n: 7 }, { region: 'eu-', n: 7, id: 'eu-7' }],
    [{ field: 'copy', operation: 'copy', left: 'x' }, { x: [1] }, { x: [1], copy: [1] }],
  ];
  for (const [props, input, expected] of cases) {
    const run = await runProcessor(setField).props({ right: '', ...props }).enqueue([input]).run();
    assert.deepEqual(run.routed('success')[0]?.content, expected, JSON.stringify(props));
  }
});

test('wrong operand types and non-object records go to failure with the reason', async () => {
  const run = await runProcessor(setField).props({ field: 't', operation: 'divide', left: 'a', right: 'b' }).enqueue([{ a: 1, b: 0 }, { a: 'x', b: 2 }, 5]).run();
  assert.equal(run.routed('success').length, 0);
  assert.deepEqual(run.routed('failure').map((r) => r.attributes['error.message']), [
    'divide gave Infinity',
    'divide needs numbers, got string and number',
    'the record content is not an object',
  ]);
});
