// The durable commit as a user meets it through the real server: the queue listing, queued records
// kept across a stop, a runaway expression that cannot hang the server (not even when it is stored
// RUNNING and the server is killed), and a poison batch that reaches failure instead of blocking.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FlowStats } from '../engine/protocol';
import { inspectViewOf } from '../engine/protocol/views';
import { adminAuth, api, startConflux, tempSqliteUrl, type RunningConflux } from './server';

const servers = new Set<RunningConflux>();
after(() => Promise.all([...servers].map((s) => s.stop())));
async function start(options: Parameters<typeof startConflux>[0] = {}) {
  const server = await startConflux({ env: { CONFLUX_NO_DEMO: '1' }, ...options });
  servers.add(server);
  return server;
}
async function stop(server: RunningConflux, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') {
  if (signal === 'SIGKILL') process.kill(server.pid, 'SIGKILL');
  await server.stop();
  servers.delete(server);
}

/** Until `check` answers true, or fail with `message` after `timeoutMs`. */
async function until(check: () => Promise<boolean>, { timeoutMs, message }: { timeoutMs: number; message: string }): Promise<void> {
  for (const end = Date.now() + timeoutMs; !(await check()); await sleep(50)) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${message}`);
  }
}

/** A flow built through the API: `call` asserts every answer is a success. */
function client(server: () => RunningConflux) {
  const call = async (method: string, pathname: string, body?: unknown) => {
    const answer = await api(server().url, method, pathname, body);
    assert.ok(answer.status < 300, `${method} ${pathname}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  return {
    call,
    async flow(name: string) {
      return (await call('POST', '/api/flows', { name })).flow.id as string;
    },
    async processor(flowId: string, type: string, patch: Record<string, unknown> = {}) {
      const { processor } = await call('POST', `/api/flows/${flowId}/processors`, { type, position: { x: 0, y: 0 } });
      if (Object.keys(patch).length) await call('PATCH', `/api/flows/${flowId}/processors/${processor.id}`, patch);
      return processor.id as string;
    },
    async connect(flowId: string, sourceId: string, targetId: string, relationship = 'success') {
      return (await call('POST', `/api/flows/${flowId}/connections`, { sourceId, targetId, relationship })).connection.id as string;
    },
    async status(flowId: string): Promise<FlowStats> {
      return (await call('GET', `/api/flows/${flowId}/status`)).status;
    },
  };
}

test('the queue listing shows the first 100 records in order, one in full and as a download; a stop keeps them all', async () => {
  let server = await start({ databaseUrl: tempSqliteUrl() });
  const { call, flow, processor, connect, status } = client(() => server);
  const flowId = await flow('Listing');
  const generate = await processor(flowId, 'GenerateRecords', { properties: { template: '{"n": $i, "label": "order " & $string($i)}', rate: 0, limit: 250 } });
  const count = await processor(flowId, 'Count');
  const queue = await connect(flowId, generate, count);
  await call('POST', `/api/flows/${flowId}/run`, { action: 'start', processorId: generate });
  await until(async () => (await status(flowId)).connections[queue]?.queued === 250, { timeoutMs: 10_000, message: '250 records queued' });

  const listing = await call('GET', `/api/flows/${flowId}/connections/${queue}/queue`);
  assert.equal(listing.queued, 250);
  assert.equal(listing.records.length, 100, 'the first 100');
  const ns = listing.records.map((r: { preview: string }) => JSON.parse(r.preview).n);
  assert.deepEqual(ns, Array.from({ length: 100 }, (_, i) => ns[0] + i), 'in the order they leave the queue');
  const [first] = listing.records;
  assert.ok(first.size > 0 && first.enqueuedAt >= first.entryTime);

  const { record } = await call('GET', `/api/flows/${flowId}/connections/${queue}/queue/${first.id}`);
  assert.deepEqual(record.content, JSON.parse(first.preview));
  const download = await fetch(`${server.url}/api/flows/${flowId}/connections/${queue}/queue/${first.id}?download`, { headers: adminAuth(server.url) });
  assert.match(download.headers.get('content-disposition') ?? '', new RegExp(`attachment; filename="record-${first.id}.json"`));
  assert.deepEqual(await download.json(), record.content);
  assert.equal((await api(server.url, 'GET', `/api/flows/${flowId}/connections/${queue}/queue/999999`)).status, 404);
  assert.equal((await api(server.url, 'GET', `/api/flows/${flowId}/connections/nope/queue`)).status, 404);

  // a normal stop keeps the queue: same records, same order, same ids and queue times
  const { databaseUrl, repository } = server;
  await stop(server);
  server = await start({ databaseUrl, repository });
  const again = await call('GET', `/api/flows/${flowId}/connections/${queue}/queue`);
  assert.equal(again.queued, 250);
  assert.deepEqual(again.records, listing.records);
});

test('a runaway expression: its records go to failure within a second each, the API stays fast, and a server killed with it RUNNING comes back', async () => {
  let server = await start({ databaseUrl: tempSqliteUrl() });
  const { call, flow, processor, connect, status } = client(() => server);
  const flowId = await flow('Runaway');
  const generate = await processor(flowId, 'GenerateRecords', { properties: { template: '{"n": $i}', rate: 2, limit: 0 } });
  // an endless tail call: no depth to hit, only the time budget stops it
  const transform = await processor(flowId, 'Transform', { properties: { expression: '($f := function($x){ $f($x) }; {"r": $f(n)})', mode: 'replace' }, autoTerminated: ['success'] });
  const failures = await processor(flowId, 'Inspect');
  await connect(flowId, generate, transform);
  await connect(flowId, transform, failures, 'failure');
  const started = Date.now();
  await call('POST', `/api/flows/${flowId}/run`, { action: 'start' });
  await until(async () => (await status(flowId)).processors[failures].in >= 1, { timeoutMs: 5_000, message: 'a record in failure' });
  const firstFailure = Date.now() - started;
  assert.ok(firstFailure < 2_000, `first record in failure after ${firstFailure} ms (the budget is 500 ms)`);

  // ten seconds of requests (~170): a p99 that is not just the slowest one on a shared machine
  const latencies: number[] = [];
  for (const end = Date.now() + 10_000; Date.now() < end; ) {
    const began = performance.now();
    assert.equal((await api(server.url, 'GET', '/api/flows')).status, 200);
    latencies.push(performance.now() - began);
    await sleep(20);
  }
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)];
  process.stdout.write(`# GET /api/flows during the runaway expression: ${latencies.length} requests, p50 ${latencies[latencies.length >> 1].toFixed(1)} ms, p99 ${p99.toFixed(1)} ms\n`);
  assert.ok(p99 < 100, `p99 ${p99.toFixed(1)} ms`);
  const inspected = inspectViewOf((await status(flowId)).processors[failures].view)?.records ?? [];
  assert.match(inspected.at(-1)?.attributes['error.message'] ?? '', /ran longer than/);

  // killed while it runs: the processors are stored RUNNING, and the server listens first all the same
  const { databaseUrl, repository } = server;
  await stop(server, 'SIGKILL');
  const restarting = Date.now();
  server = await start({ databaseUrl, repository });
  const listening = Date.now() - restarting;
  process.stdout.write(`# listening again ${listening} ms after the kill\n`);
  assert.ok(listening < 30_000);
  await until(async () => (await status(flowId)).processors[transform].state === 'RUNNING', { timeoutMs: 10_000, message: 'resumed' });
  const before = (await status(flowId)).processors[failures].in;
  await until(async () => (await status(flowId)).processors[failures].in > before, { timeoutMs: 10_000, message: 'still failing records, one by one' });

  // safe mode: the same store starts with every processor stopped
  await stop(server, 'SIGKILL');
  server = await start({ databaseUrl, repository, env: { CONFLUX_NO_DEMO: '1', CONFLUX_SAFE_MODE: '1' } });
  await sleep(500);
  assert.equal((await status(flowId)).processors[transform].state, 'STOPPED');
});

test('a poison batch ({} into PutWarehouse) reaches failure record by record after its rollbacks; the good records load', async () => {
  const server = await start({ databaseUrl: tempSqliteUrl() });
  const { call, flow, processor, connect, status } = client(() => server);
  const flowId = await flow('Poison');
  const { service } = await call('POST', `/api/flows/${flowId}/services`, { type: 'DuckDBWarehouse', properties: { path: ':memory:' } });
  // the first five records are empty objects: a table cannot be made of no columns
  const generate = await processor(flowId, 'GenerateRecords', { properties: { template: '$i < 5 ? {} : {"n": $i}', rate: 0, limit: 15 }, batchSize: 15 });
  const load = await processor(flowId, 'PutWarehouse', { properties: { warehouse: service.id, table: 'poison' }, batchSize: 5 });
  const loaded = await processor(flowId, 'Count');
  const failed = await processor(flowId, 'Count');
  await connect(flowId, generate, load);
  await connect(flowId, load, loaded);
  await connect(flowId, load, failed, 'failure');
  await call('POST', `/api/flows/${flowId}/run`, { action: 'start' });
  const settled = async () => {
    const { processors } = await status(flowId);
    return processors[failed].in === 5 && processors[loaded].in === 10;
  };
  await until(settled, { timeoutMs: 20_000, message: 'five records in failure, ten loaded' }).catch(async (error) => {
    throw new Error(`${error.message}: ${JSON.stringify((await status(flowId)).processors)}`);
  });
  const stats = await status(flowId);
  // rolled back twice, isolated at the third failure (isolateAfter 3)
  assert.equal(stats.processors[load].errors, 2, JSON.stringify(stats.processors[load]));
  assert.match(stats.processors[load].bulletins.at(-1)?.message ?? '', /failed on its own and went to failure: .*the records have no fields/);
});
