import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runProcessor } from '../../testing/run-processor';
import transform from './runtime';

test('merge mode adds the expression result to each record', async () => {
  const run = await runProcessor(transform).props({ expression: '{"total": qty * price}' }).enqueue([{ qty: 2, price: 5 }, { qty: 3, price: 1 }]).run();
  assert.deepEqual(run.routed('success').map((r) => r.content), [{ qty: 2, price: 5, total: 10 }, { qty: 3, price: 1, total: 3 }]);
});

test('replace mode makes the result the record; ids and lineage are kept', async () => {
  const run = runProcessor(transform).props({ expression: 'sku', mode: 'replace' }).enqueue([{ sku: 'PF-110' }]);
  await run.run();
  const [out] = run.routed('success');
  assert.equal(out.content, 'PF-110');
});

test('records the expression cannot handle go to failure with the reason, the rest to success', async () => {
  const run = await runProcessor(transform)
    .props({ expression: '$number(qty) * 2 > 2 ? {"big": true} : "small"' })
    .enqueue([{ qty: 5 }, { qty: 1 }, { qty: 'abc' }, 'not an object'])
    .run();
  assert.deepEqual(run.routed('success').map((r) => r.content), [{ qty: 5, big: true }]);
  const failures = run.routed('failure');
  assert.equal(failures.length, 3);
  assert.match(failures[0].attributes['error.message'], /return an object/);
  assert.match(failures[1].attributes['error.message'], /Unable to cast value to a number/);
  assert.ok(failures.every((r) => r.attributes['error.message']));
});

test('records after one the interpreter answered are transformed and routed as well, in order', async () => {
  // $sort is outside the compiled subset: the first record switches the trigger to awaiting
  const run = await runProcessor(transform)
    .props({ expression: 'qty = "x" ? {"label": $join($sort(["y", "x"]), "-")} : {"total": qty * 2}' })
    .enqueue([{ qty: 'x' }, { qty: 2 }, { qty: 3 }, 'not an object'])
    .run();
  assert.deepEqual(run.routed('success').map((r) => r.content), [{ qty: 'x', label: 'x-y' }, { qty: 2, total: 4 }, { qty: 3, total: 6 }]);
  assert.match(run.routed('failure')[0].attributes['error.message'], /record content to be an object/);
});

test('a runaway expression fails its record within its budget, and the event loop keeps turning meanwhile', async () => {
  // recursion without a base case: once through deep nesting, once as an endless tail call
  for (const expression of ['($f := function($x){ $f($x) + 1 }; {"r": $f(n)})', '($f := function($x){ $f($x) }; {"r": $f(n)})']) {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = performance.now();
    const run = await runProcessor(transform).props({ expression, mode: 'replace' }).enqueue([{ n: 1 }]).run();
    const elapsed = performance.now() - started;
    clearInterval(ticker);
    const [failed] = run.routed('failure');
    assert.ok(failed, `${expression}: the record goes to failure`);
    assert.match(failed.attributes['error.message'], /nests deeper than|ran longer than/);
    assert.ok(elapsed < 1_000, `${expression}: failed after ${Math.round(elapsed)} ms`);
    assert.ok(ticks >= elapsed / 40, `${expression}: only ${ticks} timer ticks in ${Math.round(elapsed)} ms: the event loop was held`);
  }
});
