import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { Engine } from '../../engine/runtime/engine';
import { defineProcessor, implement } from '../../engine/sdk';
import { FlowStore } from '../store/flow-store';
import { catalogOf } from './catalog';
import { FlowService } from './flow-service';

// a source that shows the properties it was started with
const reporterSpec = defineProcessor({
  type: 'Reporter',
  version: 1,
  category: 'Utility',
  summary: 'test only',
  input: 'forbidden',
  properties: z.object({ label: z.string().default('old') }),
  relationships: [{ name: 'success', description: 'nothing' }],
});
const reporter = implement(reporterSpec, ({ props }) => ({
  onTrigger: (_batch, session) => session.yield(1_000),
  view: () => ({ label: props.label }),
}));

const store = await FlowStore.open(`file:${path.join(mkdtempSync(path.join(tmpdir(), 'conflux-service-')), 'flows.db')}`);
const engine = new Engine({ processors: [reporter] });
const service = new FlowService(store, engine, () => {}, catalogOf([reporter], []));
after(async () => {
  await engine.shutdown();
  await store.close();
});

test('changes to a flow are serialized: a start arriving while a change is being written runs the new configuration', async () => {
  const flow = await service.createFlow('Locks');
  const { id } = await service.addProcessor(flow.id, { type: 'Reporter', position: { x: 0, y: 0 } });
  await service.updateProcessor(flow.id, id, { autoTerminated: ['success'] });
  // the store is slow to write: without the lock, the start would slip in between the change's
  // "is it stopped?" check and its write, and run the old properties
  const write = store.updateProcessor.bind(store);
  store.updateProcessor = async (...args) => {
    await sleep(100);
    return write(...args);
  };
  const change = service.updateProcessor(flow.id, id, { properties: { label: 'new' } });
  const start = service.run(flow.id, { action: 'start', processorId: id });
  const [changed, started] = await Promise.allSettled([change, start]);
  store.updateProcessor = write;
  assert.equal(changed.status, 'fulfilled');
  assert.equal(started.status, 'fulfilled');
  assert.deepEqual(engine.stats(flow.id).processors[id].view, { label: 'new' }, 'the running processor has the configuration that was stored');
  await service.run(flow.id, { action: 'stop' });
});

test('a PATCH of scheduling or retry names only what changes; the merge is checked whole', async () => {
  const flow = await service.createFlow('Partial');
  const { id } = await service.addProcessor(flow.id, { type: 'Reporter', position: { x: 0, y: 0 } });
  await service.updateProcessor(flow.id, id, { scheduling: { strategy: 'TIMER', periodMs: 5_000 } });
  const concurrent = await service.updateProcessor(flow.id, id, { scheduling: { concurrency: 2 } });
  assert.deepEqual(concurrent.scheduling, { strategy: 'TIMER', periodMs: 5_000, cron: '', concurrency: 2, runDurationMs: 0 });
  await assert.rejects(service.updateProcessor(flow.id, id, { scheduling: { strategy: 'CRON' } }), (error: Error & { status?: number; issues?: { property: string }[] }) => {
    assert.equal(error.status, 400);
    assert.deepEqual(error.issues?.map((i) => i.property), ['scheduling.cron']);
    return true;
  });
  const retried = await service.updateProcessor(flow.id, id, { retry: { maxRetries: 7 } });
  assert.deepEqual(retried.retry, { relationships: [], maxRetries: 7, backoffMs: 1_000, isolateAfter: 3 });
  const stored = (await service.getFlow(flow.id)).processors.find((p) => p.id === id)!;
  assert.equal(stored.scheduling.concurrency, 2);
  assert.equal(stored.retry.maxRetries, 7);
});
