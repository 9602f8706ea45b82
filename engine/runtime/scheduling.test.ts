import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineProcessor, implement } from '../sdk';
import { connectionConfig, flowGraph, processorConfig } from '../flow/build';
import type { Scheduling } from '../flow/schema';
import type { InspectView } from '../protocol/views';
import { runProcessor } from '../testing/run-processor';
import { testEngines } from '../testing/test-engines';
import { until } from '../testing/until';
import type { Engine } from './engine';

/** Fails every record whose `n` is odd, the first `failures` times it sees it. */
const flakySpec = defineProcessor({
  type: 'FlakyPerRecord',
  version: 1,
  category: 'Utility',
  summary: 'test only',
  input: 'required',
  properties: z.object({ failures: z.number().default(2) }),
  relationships: [
    { name: 'success', description: 'passed' },
    { name: 'failure', description: 'failed' },
  ],
});
const flaky = implement(flakySpec, ({ props }) => {
  const seen = new Map<number, number>();
  return {
    onTrigger(batch, session) {
      for (const record of batch) {
        const n = (record.content as { n: number }).n;
        const times = (seen.get(n) ?? 0) + 1;
        seen.set(n, times);
        if (n % 2 === 1 && times <= props.failures) session.fail(record, `odd ${n}, attempt ${times}`);
        else session.transfer(record, 'success');
      }
    },
  };
});

const brokenSpec = defineProcessor({
  type: 'Broken',
  version: 1,
  category: 'Sinks',
  summary: 'test only',
  input: 'required',
  properties: z.object({}),
  relationships: [],
});
/** A processor whose start (create) throws. */
const broken = implement(brokenSpec, () => {
  throw new Error('cannot reach the warehouse');
});

const gatherSpec = defineProcessor({
  type: 'Gather',
  version: 1,
  category: 'Utility',
  summary: 'test only',
  input: 'required',
  properties: z.object({ count: z.number() }),
  relationships: [{ name: 'success', description: 'all at once' }],
});
/** Leaves records in its queue until `count` are there, then passes them on together. */
const gather = implement(gatherSpec, ({ props }) => ({
  onTrigger(batch, session) {
    const complete = batch.length >= props.count;
    for (const record of batch) {
      if (complete) session.transfer(record, 'success');
      else session.requeue(record);
    }
    if (!complete) session.yield(60_000);
  },
}));

/** A source reading `total` rows in pages, like QueryDatabaseTable: a full page means "more to read". */
const pagedSpec = defineProcessor({
  type: 'PagedSource',
  version: 1,
  category: 'Utility',
  summary: 'test only',
  input: 'forbidden',
  properties: z.object({ total: z.number() }),
  relationships: [{ name: 'success', description: 'rows' }],
});
const paged = implement(pagedSpec, (ctx) => ({
  onTrigger(_batch, session) {
    const read = (ctx.state() as number | undefined) ?? 0;
    const page = Math.min(ctx.batchSize, ctx.props.total - read);
    for (let i = 0; i < page; i++) session.transfer(session.create({ row: read + i }), 'success');
    session.setState(read + page);
    if (page === ctx.batchSize) session.onCommitted(ctx.wake);
  },
}));

const newEngine = testEngines([flaky, broken, gather, paged]);

test('retry: records routed to a retry relationship come back with a count, then pass or fail for good', async () => {
  const run = runProcessor(flaky).props({ failures: 2 }).retry({ relationships: ['failure'], maxRetries: 1, backoffMs: 0 }).enqueue([{ n: 1 }, { n: 2 }, { n: 3 }]);
  await run.run();
  assert.deepEqual(run.routed('success').map((r) => (r.content as { n: number }).n), [2]);
  assert.equal(run.routed('failure').length, 0, 'first failures are retried, not routed');
  assert.equal(run.queued, 2);
  await run.run();
  // second attempt still fails, and maxRetries (1) is used up: now they go to failure
  const failed = run.routed('failure');
  assert.deepEqual(failed.map((r) => (r.content as { n: number }).n), [1, 3]);
  assert.equal(failed[0].attributes['error.message'], 'odd 1, attempt 2');
  assert.equal(failed[0].attributes['error.processor'], 'FlakyPerRecord');
  assert.ok(!Number.isNaN(Date.parse(failed[0].attributes['error.time'])));
  assert.equal(failed[0].attributes['retry.count'], undefined, 'the retry count is cleared when a record moves on');
  assert.equal(run.status.retried, 2);
});

test('retry backs off: the processor yields backoffMs, doubling per attempt', async () => {
  const engine = newEngine();
  const gen = processorConfig({ id: 'gen', type: 'GenerateRecords', properties: { template: '{"n": $i}', rate: 0, limit: 2 } });
  const step = processorConfig({ id: 'step', type: 'FlakyPerRecord', properties: { failures: 2 }, retry: { relationships: ['failure'], maxRetries: 3, backoffMs: 150 } });
  const sink = processorConfig({ id: 'sink', type: 'Inspect', properties: { keep: 10 } });
  engine.load(flowGraph({
    id: 'retry',
    processors: [gen, step, sink],
    connections: [
      connectionConfig({ id: 'a', sourceId: 'gen', relationship: 'success', targetId: 'step' }),
      connectionConfig({ id: 'b', sourceId: 'step', relationship: 'success', targetId: 'sink' }),
      connectionConfig({ id: 'c', sourceId: 'step', relationship: 'failure', targetId: 'sink' }),
    ],
  }));
  const started = Date.now();
  await engine.start('retry');
  await until(() => engine.stats('retry').processors.sink.in === 2);
  const elapsed = Date.now() - started;
  // record 1 fails twice: waits 150 ms then 300 ms before its third attempt succeeds
  assert.ok(elapsed >= 450, `took ${elapsed} ms`);
  const view = engine.stats('retry').processors.sink.view as InspectView;
  assert.deepEqual(view.records.map((r) => (r.content as { n: number }).n).sort(), [0, 1]);
  assert.equal(engine.stats('retry').processors.step.retried, 2);
});

test('concurrency: an asynchronous processor runs several triggers at once', async () => {
  const engine = newEngine();
  const build = (id: string, concurrency: number) =>
    flowGraph({
      id,
      processors: [
        processorConfig({ id: 'gen', type: 'GenerateRecords', properties: { template: '{"n": $i}', rate: 0, limit: 40 }, batchSize: 1 }),
        processorConfig({ id: 'slow', type: 'Delay', properties: { delayMs: 100 }, batchSize: 1, scheduling: { concurrency } }),
        processorConfig({ id: 'count', type: 'Count' }),
      ],
      connections: [
        connectionConfig({ id: 'a', sourceId: 'gen', relationship: 'success', targetId: 'slow' }),
        connectionConfig({ id: 'b', sourceId: 'slow', relationship: 'success', targetId: 'count' }),
      ],
    });
  engine.load(build('serial', 1));
  engine.load(build('parallel', 4));
  const timeOf = async (flowId: string) => {
    const started = Date.now();
    let peak = 0;
    await engine.start(flowId);
    await until(() => {
      const stats = engine.stats(flowId).processors;
      peak = Math.max(peak, stats.slow.activeTasks);
      return stats.count.in === 40;
    }, 20_000);
    return { ms: Date.now() - started, peak };
  };
  const parallel = await timeOf('parallel');
  const serial = await timeOf('serial');
  assert.equal(parallel.peak, 4);
  assert.equal(serial.peak, 1);
  assert.ok(parallel.ms * 2.5 < serial.ms, `4 tasks: ${parallel.ms} ms, 1 task: ${serial.ms} ms`);
});

test('timer and cron schedules trigger a source at their times', async () => {
  const engine = newEngine();
  const source = (id: string, scheduling: Partial<Scheduling>) =>
    processorConfig({ id, type: 'GenerateRecords', properties: { template: '{"n": $i}', rate: 0, limit: 0 }, batchSize: 1, scheduling });
  engine.load(flowGraph({
    id: 'timed',
    processors: [
      source('timer', { strategy: 'TIMER', periodMs: 200 }),
      source('cron', { strategy: 'CRON', cron: '* * * * * *' }),
      processorConfig({ id: 'count', type: 'Count' }),
    ],
    connections: [
      connectionConfig({ id: 'a', sourceId: 'timer', relationship: 'success', targetId: 'count' }),
      connectionConfig({ id: 'b', sourceId: 'cron', relationship: 'success', targetId: 'count' }),
    ],
  }));
  await engine.start('timed');
  await sleep(2100);
  const stats = engine.stats('timed').processors;
  await engine.stop('timed');
  // a batch of one per trigger: ~11 timer triggers in 2.1 s, 2 cron triggers (once a second)
  assert.ok(stats.timer.out >= 9 && stats.timer.out <= 12, `timer produced ${stats.timer.out}`);
  assert.ok(stats.cron.out >= 2 && stats.cron.out <= 3, `cron produced ${stats.cron.out}`);
  assert.ok(stats.cron.nextRunAt === undefined || stats.cron.nextRunAt % 1000 === 0);
});

test('wake: a timer source that read a full page runs again at once, not at its next time', async () => {
  const engine = newEngine();
  engine.load(flowGraph({
    id: 'pages',
    processors: [
      processorConfig({ id: 'source', type: 'PagedSource', properties: { total: 2050 }, batchSize: 100, scheduling: { strategy: 'TIMER', periodMs: 60_000 } }),
      processorConfig({ id: 'count', type: 'Count' }),
    ],
    connections: [connectionConfig({ id: 'rows', sourceId: 'source', relationship: 'success', targetId: 'count' })],
  }));
  await engine.start('pages');
  // 21 pages within a minute's period: only wake() can do that; the short last page ends the run
  await until(() => (engine.stats('pages').processors.count.view as { count: number }).count === 2050, 5000);
  const { source } = engine.stats('pages').processors;
  await engine.stop('pages');
  assert.equal(source.out, 2050);
  assert.ok(source.nextRunAt !== undefined && source.nextRunAt - Date.now() > 50_000, 'after the short page it waits for its period');
});

test('stats carry status history and the event-loop lag', async () => {
  const engine = newEngine();
  engine.load(flowGraph({
    id: 'hist',
    processors: [
      processorConfig({ id: 'gen', type: 'GenerateRecords', properties: { template: '{"n": $i}', rate: 500, limit: 0 } }),
      processorConfig({ id: 'count', type: 'Count' }),
    ],
    connections: [connectionConfig({ id: 'c', sourceId: 'gen', relationship: 'success', targetId: 'count' })],
  }));
  let last: ReturnType<Engine['stats']> | undefined;
  engine.events.on('stats', (s) => (last = s));
  await engine.start('hist');
  await sleep(3300);
  await engine.stop('hist');
  const points = engine.history('hist', 'gen');
  assert.ok(points.length >= 3 && points.length <= 4, `${points.length} points`);
  assert.ok(points.at(-1)!.value > 300, `rate ${points.at(-1)!.value}`);
  assert.ok(engine.history('hist', 'c').length >= 3);
  assert.ok(last?.engine && last.engine.eventLoopLagMaxMs >= 0);
});

test('fairness: saturated flows share the engine, and timers still fire while it is saturated', async () => {
  const engine = newEngine();
  const hot = (id: string) =>
    flowGraph({
      id,
      processors: [
        processorConfig({ id: 'gen', type: 'GenerateRecords', properties: { template: '{"n": $i}', rate: 0, limit: 0 } }),
        processorConfig({ id: 'count', type: 'Count' }),
      ],
      connections: [connectionConfig({ id: 'c', sourceId: 'gen', relationship: 'success', targetId: 'count' })],
    });
  for (const id of ['first', 'second', 'third']) {
    engine.load(hot(id));
    await engine.start(id);
  }
  const lateness: number[] = [];
  let deepestQueue = 0;
  for (let i = 0; i < 50; i++) {
    const asked = performance.now();
    await sleep(20);
    lateness.push(performance.now() - asked - 20);
    for (const id of ['first', 'second', 'third']) deepestQueue = Math.max(deepestQueue, engine.stats(id).connections.c.queued);
  }
  const counts = ['first', 'second', 'third'].map((id) => engine.stats(id).processors.count.in);
  for (const id of ['first', 'second', 'third']) await engine.stop(id);
  // every flow progressed at a comparable pace: no flow starved by the one added first
  assert.ok(Math.min(...counts) * 3 > Math.max(...counts), `counts ${counts.join(', ')}`);
  // each consumer got its turn after its producer: the queue never built up toward its 10,000 threshold
  assert.ok(deepestQueue <= 3000, `a queue reached ${deepestQueue}`);
  // the event loop kept turning: a 20 ms timer was late by about one scheduler slice at most
  assert.ok(Math.max(...lateness) < 250, `timers late by up to ${Math.round(Math.max(...lateness))} ms`);
});

test('a processor whose start fails stays stopped, with the reason as a bulletin and in the result', async () => {
  const engine = newEngine();
  engine.load(flowGraph({
    id: 'broken',
    processors: [processorConfig({ id: 'gen', type: 'GenerateRecords', properties: { template: '{"n": $i}', rate: 10 } }), processorConfig({ id: 'sink', type: 'Broken' })],
    connections: [connectionConfig({ id: 'c', sourceId: 'gen', relationship: 'success', targetId: 'sink' })],
  }));
  const result = await engine.start('broken');
  assert.deepEqual(result.started, ['gen']);
  assert.deepEqual(result.failed, [{ processorId: 'sink', error: 'start failed: cannot reach the warehouse' }]);
  const sink = engine.stats('broken').processors.sink;
  assert.equal(sink.state, 'STOPPED');
  assert.match(sink.bulletins[0].message, /start failed: cannot reach the warehouse/);
  await engine.stop('broken');
});

test('requeue: records wait in the input queue, in order, and new input ends the yield', async () => {
  const engine = newEngine();
  engine.load(flowGraph({
    id: 'gather',
    processors: [
      processorConfig({ id: 'gen', type: 'GenerateRecords', properties: { template: '{"n": $i}', rate: 20, limit: 3 } }),
      processorConfig({ id: 'gather', type: 'Gather', properties: { count: 3 } }),
      processorConfig({ id: 'sink', type: 'Inspect', properties: { keep: 10 } }),
    ],
    connections: [
      connectionConfig({ id: 'a', sourceId: 'gen', relationship: 'success', targetId: 'gather' }),
      connectionConfig({ id: 'b', sourceId: 'gather', relationship: 'success', targetId: 'sink' }),
    ],
  }));
  const started = Date.now();
  await engine.start('gather');
  await until(() => engine.stats('gather').processors.sink.in === 3);
  // the generator makes one record per 50 ms; waiting out the 60 s yield would time the test out
  assert.ok(Date.now() - started < 5_000);
  const view = engine.stats('gather').processors.sink.view as InspectView;
  assert.deepEqual(view.records.map((r) => (r.content as { n: number }).n), [0, 1, 2]);
  const stats = engine.stats('gather').processors.gather;
  assert.equal(stats.in, 3, 'records taken and requeued are counted once, when they leave');
  assert.equal(stats.errors, 0);
  assert.equal(stats.penalizedUntil, undefined);
});
