import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runProcessor } from '../../testing/run-processor';
import route from './runtime';

const orders = [{ region: 'asia', total: 500 }, { region: 'europe', total: 20 }, { region: 'africa', total: 900 }];

test('first strategy routes each record to the first matching route, the rest to unmatched', async () => {
  const run = await runProcessor(route).props({ routes: { big: 'total > 100', asia: 'region = "asia"' } }).enqueue(orders).run();
  assert.deepEqual(run.routed('big').map((r) => (r.content as { region: string }).region), ['asia', 'africa']);
  assert.equal(run.routed('asia').length, 0);
  assert.deepEqual(run.routed('unmatched').map((r) => (r.content as { region: string }).region), ['europe']);
});

test('all strategy clones a record to every matching route', async () => {
  const run = await runProcessor(route).props({ routes: { big: 'total > 100', asia: 'region = "asia"' }, strategy: 'all' }).enqueue(orders).run();
  const [big] = run.routed('big');
  const [asia] = run.routed('asia');
  assert.equal(run.routed('big').length, 2);
  assert.deepEqual(asia.content, big.content);
  assert.deepEqual(asia.parents, [big.id], 'the clone points at the original');
});

test('a predicate that errors sends the record to failure', async () => {
  const run = await runProcessor(route).props({ routes: { odd: '$substring(region, "x")' } }).enqueue([orders[0]]).run();
  assert.equal(run.routed('failure').length, 1);
  assert.ok(run.routed('failure')[0].attributes['error.message']);
});
