import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runProcessor } from '../../testing/run-processor';
import generate from './runtime';

test('evaluates the template per record with $i and the extension functions, up to the limit', async () => {
  const run = await runProcessor(generate)
    .props({ template: '{"n": $i, "q": $randomInt(1, 3), "sku": $pick(["a", "b"]), "id": $uuid()}', rate: 0, limit: 250 })
    .batch(100)
    .run(4);
  const records = run.routed('success').map((r) => r.content as { n: number; q: number; sku: string; id: string });
  assert.deepEqual(records.map((r) => r.n), Array.from({ length: 250 }, (_, i) => i));
  assert.ok(records.every((r) => r.q >= 1 && r.q <= 3 && ['a', 'b'].includes(r.sku) && r.id.length === 36));
});

test('a rate limits how many records each trigger may create', async () => {
  const run = runProcessor(generate).props({ template: '{"n": $i}', rate: 100, limit: 0 }).batch(1000);
  await run.run();
  await sleep(200);
  await run.run();
  const made = run.routed('success').length;
  // 200 ms at 100/s is about 20 records; never a whole batch
  assert.ok(made >= 10 && made <= 30, `made ${made}`);
});

test('a template that fails rolls the trigger back with the reason', async () => {
  // $i = 2 makes the arithmetic fail (a string times a number)
  const run = runProcessor(generate).props({ template: '{"n": $i, "x": ($i = 2 ? "two" : 1) * 2}', rate: 0, limit: 0 }).batch(5);
  await run.run();
  assert.equal(run.routed('success').length, 0, 'nothing from the failed batch is delivered');
  assert.equal(run.status.errors, 1);
  assert.match(run.status.bulletins[0].message, /template failed for record 2/);
  // the numbers of the failed batch were given back: the next trigger makes 0 … 4 again
  await run.run();
  assert.match(run.status.bulletins[1].message, /template failed for record 2/);
});

test("a template outside the compiled subset (jsonata's interpreter answers) makes the same records, in order", async () => {
  const run = await runProcessor(generate).props({ template: '{"n": $i, "s": $join($sort(["a", $string($i)]), "-")}', rate: 0, limit: 0 }).batch(5).run(2);
  assert.deepEqual(
    // the interpreter's objects have no prototype: compare as JSON
    run.routed('success').map((r) => JSON.stringify(r.content)),
    Array.from({ length: 10 }, (_, n) => JSON.stringify({ n, s: `${n}-a` })),
  );
});
