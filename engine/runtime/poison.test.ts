import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { defineProcessor, implement, TransientError } from '../sdk';
import { runProcessor } from '../testing/run-processor';

// A sink that cannot take records marked bad: the whole batch fails, as a bulk load does.
let triggers = 0;
const pickySpec = defineProcessor({
  type: 'Picky',
  version: 1,
  category: 'Sinks',
  summary: 'test only',
  input: 'required',
  properties: z.object({ outage: z.boolean().default(false) }),
  relationships: [
    { name: 'success', description: 'taken' },
    { name: 'failure', description: 'not taken' },
  ],
});
const picky = implement(pickySpec, ({ props }) => ({
  onTrigger(batch, session) {
    triggers++;
    if (props.outage) throw new TransientError('the warehouse cannot be reached');
    const bad = batch.find((r) => (r.content as { bad?: boolean }).bad);
    if (bad) throw new Error(`record ${(bad.content as { n: number }).n} has no columns`);
    session.transferAll(batch, 'success');
  },
}));

const contents = Array.from({ length: 10 }, (_, n) => ({ n, bad: n === 3 || n === 7 }));

/** Trigger until the input is empty, ignoring the penalties (the test drives the node). */
async function drain(run: Awaited<ReturnType<typeof runProcessor>>, most = 50) {
  for (let i = 0; i < most && run.queued > 0; i++) await run.run();
}

test('a batch that keeps failing is tried record by record: the bad records go to failure with the error, the rest on', async () => {
  triggers = 0;
  const run = runProcessor(picky).retry({ isolateAfter: 3 }).enqueue(contents);
  await drain(run);
  assert.equal(run.queued, 0, 'nothing is left blocking the queue');
  assert.deepEqual(run.routed('success').map((r) => (r.content as { n: number }).n), [0, 1, 2, 4, 5, 6, 8, 9]);
  const failed = run.routed('failure');
  assert.deepEqual(failed.map((r) => (r.content as { n: number }).n), [3, 7]);
  assert.equal(failed[0].attributes['error.message'], 'record 3 has no columns');
  assert.equal(triggers, 3 + 10, 'three attempts of the batch, then one per record');
  assert.match(run.status.bulletins.map((b) => b.message).join('\n'), /rolled back 3 times .* tried one at a time/);
  await run.stop();
});

test('an outage (a transient error) is retried as a whole for as long as it lasts: no record is blamed', async () => {
  const run = runProcessor(picky).props({ outage: true }).retry({ isolateAfter: 2 }).enqueue(contents);
  for (let i = 0; i < 8; i++) await run.run();
  assert.equal(run.queued, 10);
  assert.equal(run.routed('failure').length, 0);
  await run.stop();
});

test('isolateAfter 0 keeps retrying the batch as a whole', async () => {
  const run = runProcessor(picky).retry({ isolateAfter: 0 }).enqueue(contents);
  for (let i = 0; i < 8; i++) await run.run();
  assert.equal(run.queued, 10);
  assert.equal(run.routed('failure').length, 0);
  await run.stop();
});
