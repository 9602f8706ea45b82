import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { defineProcessor, defineService, implement, implementService, serviceRef } from '../sdk';
import { flowGraph, processorConfig, serviceConfig } from '../flow/build';
import { runProcessor } from '../testing/run-processor';
import { testEngines } from '../testing/test-engines';
import { until } from '../testing/until';
import { validateFlow } from '../flow/validate';
import { ProcessorNode } from './processor-node';
import { StoreDurability } from './durability';
import { MemoryStateStore } from './state-store';

// ---- a source that counts in its state, and fails when told to ----

const counterSpec = defineProcessor({
  type: 'StatefulCounter',
  version: 1,
  category: 'Utility',
  summary: 'test only',
  input: 'forbidden',
  properties: z.object({ failAt: z.number().default(-1) }),
  relationships: [{ name: 'success', description: 'one record per trigger' }],
});
const events: string[] = [];
const counter = implement(counterSpec, (ctx) => ({
  onTrigger(_batch, session) {
    const next = ((ctx.state() as number | undefined) ?? 0) + 1;
    session.transfer(session.create({ n: next }), 'success');
    session.setState(next);
    session.onCommitted(() => events.push(`committed ${next}`));
    session.onRolledBack((error) => events.push(`rolled back ${next}: ${(error as Error).message}`));
    if (next === ctx.props.failAt) throw new Error('broker went away');
  },
}));

test('state advances only when the session commits, and survives a restart', async () => {
  events.length = 0;
  const first = await runProcessor(counter).props({ failAt: 3 }).run(3);
  assert.deepEqual(first.routed('success').map((r) => r.content), [{ n: 1 }, { n: 2 }]);
  assert.equal(await first.state(), 2, 'the failed third trigger must not advance the state');
  assert.deepEqual(events, ['committed 1', 'committed 2', 'rolled back 3: broker went away']);
  await first.stop();

  const restarted = await runProcessor(counter).withState(first.stateStore).run(2);
  assert.deepEqual(restarted.routed('success').map((r) => r.content), [{ n: 3 }, { n: 4 }]);
  assert.equal(await restarted.state(), 4);
  await restarted.stop();
});

// ---- a controller service that counts opens and closes, and a processor that uses it ----

const lifecycle = { opened: 0, closed: 0 };
const poolSpec = defineService({
  type: 'CountingPool',
  kind: 'sql',
  summary: 'test only',
  properties: z.object({ url: z.string().min(1), password: z.string().default('').meta({ sensitive: true }) }),
});
const pool = implementService(poolSpec, async ({ props }) => {
  if (props.url === 'unreachable') throw new Error('connect ECONNREFUSED 127.0.0.1:1');
  lifecycle.opened++;
  return { kind: 'sql' as const, url: props.url, close: async () => void lifecycle.closed++ };
});

const userSpec = defineProcessor({
  type: 'PoolUser',
  version: 1,
  category: 'Utility',
  summary: 'test only',
  input: 'forbidden',
  properties: z.object({ database: serviceRef('sql') }),
  relationships: [{ name: 'success', description: 'records naming the url' }],
});
const user = implement(userSpec, async (ctx) => {
  const service = (await ctx.service(ctx.props.database)) as { url: string };
  return {
    onTrigger(_batch, session) {
      session.transfer(session.create({ url: service.url }), 'success');
      session.yield(1000);
    },
  };
});

const newEngine = testEngines([user], [pool]);

function graphWith(url: string, database = 'db') {
  return flowGraph({
    id: 'services',
    services: [serviceConfig({ id: 'db', type: 'CountingPool', name: 'Orders DB', properties: { url } })],
    processors: [
      processorConfig({ id: 'a', type: 'PoolUser', properties: { database }, autoTerminated: ['success'] }),
      processorConfig({ id: 'b', type: 'PoolUser', properties: { database }, autoTerminated: ['success'] }),
    ],
    connections: [],
  });
}

test('processors share one service instance; a changed service is closed and reopened; unload closes it', async () => {
  const engine = newEngine();
  Object.assign(lifecycle, { opened: 0, closed: 0 });
  engine.load(graphWith('mysql://eu'));
  const started = await engine.start('services');
  assert.deepEqual(started.started.sort(), ['a', 'b']);
  assert.equal(lifecycle.opened, 1, 'two processors, one pool');

  await engine.stop('services');
  engine.load(graphWith('mysql://asia'));
  await until(() => lifecycle.closed === 1);
  await engine.start('services');
  assert.equal(lifecycle.opened, 2);

  await engine.unload('services');
  assert.equal(lifecycle.closed, 2);
});

test('a reference to a missing service, or to one of the wrong kind, makes the processor invalid', async () => {
  const engine = newEngine();
  engine.load(graphWith('mysql://eu', 'nope'));
  const result = await engine.start('services');
  assert.equal(result.started.length, 0);
  assert.match(result.invalid[0].issues.map((i) => `${i.property}: ${i.message}`).join(), /database: no controller service "nope"/);
});

test('a service that cannot open fails the start of its processors with the reason', async () => {
  const engine = newEngine();
  engine.load(graphWith('unreachable'));
  const result = await engine.start('services', ['a']);
  assert.equal(result.failed.length, 1);
  assert.match(result.failed[0].error, /controller service "Orders DB" failed to open: connect ECONNREFUSED/);
});

test('an invalid service is reported on the processors that use it', async () => {
  const engine = newEngine();
  engine.load(graphWith(''));
  const result = await engine.start('services');
  assert.match(result.invalid[0].issues[0].message, /controller service "Orders DB" is invalid/);
});

// ---- state saves are coalesced; serial processors refuse concurrency ----

test('commits faster than the store: saves are coalesced, the newest state is the one kept', async () => {
  let saves = 0;
  const slowStore = new (class extends MemoryStateStore {
    override async save(flowId: string, processorId: string, state: unknown): Promise<void> {
      saves++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return super.save(flowId, processorId, state);
    }
  })();
  const runner = await runProcessor(counter).withState(slowStore).run(50);
  assert.equal(await runner.state(), 50);
  assert.ok(saves < 10, `${saves} saves for 50 commits`);
  await runner.stop();
});

const serialSpec = defineProcessor({
  type: 'SerialSource',
  version: 1,
  category: 'Utility',
  summary: 'test only',
  input: 'forbidden',
  triggerSerially: true,
  properties: z.object({}),
  relationships: [{ name: 'success', description: 'one record per trigger' }],
});
let inFlight = 0;
let mostInFlight = 0;
const serial = implement(serialSpec, () => ({
  async onTrigger(_batch, session) {
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    inFlight--;
    session.transfer(session.create({}), 'success');
  },
}));

test('a processor that triggers serially is invalid with concurrency > 1, and never overlaps its triggers', async () => {
  const graph = (concurrency: number) =>
    flowGraph({
      id: 'serial',
      processors: [processorConfig({ id: 's', type: 'SerialSource', scheduling: { concurrency }, autoTerminated: ['success'] })],
      connections: [],
    });
  const issues = validateFlow(graph(4), (type) => (type === 'SerialSource' ? serialSpec : undefined));
  assert.match(issues.get('s')![0].message, /runs one task at a time/);

  const node = new ProcessorNode(graph(4).processors[0], serial, { flowId: 'serial', service: async () => undefined, durability: new StoreDurability(new MemoryStateStore()), sync: () => false, wake: () => {} });
  node.outputs.set('success', []);
  await node.start();
  const tasks = [];
  for (let i = 0; i < 20; i++) {
    if (node.readyAt(Date.now()) === 'ready') tasks.push(node.trigger(Date.now()));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(tasks);
  await node.stop();
  assert.equal(mostInFlight, 1);
  assert.ok(tasks.length > 1);
});
