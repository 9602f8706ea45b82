// node --import tsx --test lib/store/flow-store.test.ts
// One suite, run against a temporary SQLite file and a fresh PostgreSQL database (real databases only).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DEFAULT_FLOW_SETTINGS } from '../../engine/flow/build';
import { DEFAULT_RETRY, DEFAULT_SCHEDULING, FlowGraph, FlowSummary, type ProcessorConfig } from '../../engine/flow/schema';
import { FlowStore, FlowStoreError, type NewProcessor, type NewService } from './flow-store';
import { MIGRATIONS_DIRS, migrate, migrationStatus } from './migrate';
import { providerOf } from './client';

const PG_ADMIN_URL = process.env.DATABASE_URL_PG ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const TiB = 1024 ** 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const proc = (name: string, extra: Partial<NewProcessor> = {}): NewProcessor => ({
  type: 'GenerateRecords',
  name,
  position: { x: 12.5, y: -3.25 },
  properties: { count: 10, nested: { list: [1, 'two', null, true], text: 'ünïcødé "quoted"' } },
  autoTerminated: ['failure'],
  batchSize: 250,
  scheduling: { strategy: 'CRON', periodMs: 5000, cron: '*/5 * * * * *', concurrency: 3, runDurationMs: 25 },
  retry: { relationships: ['failure'], maxRetries: 4, backoffMs: 250, isolateAfter: 2 },
  ...extra,
});
const FIFO = { prioritizer: 'FIFO', expirationMs: 0, durable: true } as const;
const pool = (name: string, properties: Record<string, unknown> = { url: 'postgresql://eu-db/shop', password: 'p@ss "wörd"' }): NewService => ({
  type: 'PostgreSQLPool',
  name,
  properties,
});

function storeSuite(label: string, setup: () => Promise<{ url: string; teardown: () => Promise<void> }>) {
  describe(label, () => {
    let url: string;
    let teardown = async () => {};
    let store: FlowStore;
    const updatedAt = async (id: string) => (await store.listFlows()).find((f) => f.id === id)!.updatedAt;

    before(async () => ({ url, teardown } = await setup()));
    after(async () => {
      await store?.close();
      await teardown();
    });

    test('migrations apply on an empty database and are idempotent', async (t) => {
      const expected = fs.readdirSync(MIGRATIONS_DIRS[providerOf(url)], { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
      assert.ok(expected.length > 0);
      let t0 = performance.now();
      assert.deepEqual(await migrate(url), { applied: expected });
      t.diagnostic(`first migrate ${Math.round(performance.now() - t0)} ms`);
      t0 = performance.now();
      assert.deepEqual(await migrate(url), { applied: [] });
      t.diagnostic(`second migrate ${Math.round(performance.now() - t0)} ms`);
      const status = await migrationStatus(url);
      assert.equal(status.history, null);
      assert.deepEqual(status.failedMigrationNames, []);
      store = await FlowStore.open(url); // migrates again (nothing to do), then connects
    });

    test('flows, processors and connections round-trip exactly', async () => {
      const flow = await store.createFlow('Round trip');
      assert.deepEqual(flow, { id: flow.id, name: 'Round trip', settings: DEFAULT_FLOW_SETTINGS, processors: [], connections: [], services: [] });
      const a = await store.addProcessor(flow.id, proc('A'));
      const b = await store.addProcessor(flow.id, proc('B', { properties: {}, autoTerminated: [], batchSize: 1, scheduling: undefined, retry: undefined }));
      assert.deepEqual(a, { id: a.id, runState: 'STOPPED', ...proc('A') });
      assert.deepEqual([b.scheduling, b.retry], [DEFAULT_SCHEDULING, DEFAULT_RETRY], 'defaults when left out');
      const big = await store.addConnection(flow.id, { sourceId: a.id, relationship: 'success', targetId: b.id, countThreshold: 10_000_000, bytesThreshold: TiB, prioritizer: 'PRIORITY_ATTRIBUTE', expirationMs: 60_000 });
      const dflt = await store.addConnection(flow.id, { sourceId: b.id, relationship: 'failure', targetId: b.id });
      assert.equal(big.bytesThreshold, TiB);
      assert.deepEqual([big.prioritizer, big.expirationMs], ['PRIORITY_ATTRIBUTE', 60_000]);
      assert.deepEqual([dflt.countThreshold, dflt.bytesThreshold, dflt.prioritizer, dflt.expirationMs], [10_000, 1024 ** 3, 'FIFO', 0]);
      const graph = await store.getFlow(flow.id);
      assert.deepEqual(graph, { id: flow.id, name: 'Round trip', settings: DEFAULT_FLOW_SETTINGS, processors: [a, b], connections: [big, dflt], services: [] });
      assert.deepEqual(FlowGraph.parse(graph), graph); // exactly the contract's shape, no extra keys
    });

    test('flow settings: thresholds of new connections default to the flow\'s', async () => {
      const flow = await store.createFlow('Settings');
      assert.equal(flow.settings.sync, 'os', 'commits are durable once written to the operating system, by default');
      const updated = await store.updateFlow(flow.id, { settings: { countThreshold: 500, bytesThreshold: TiB, sync: 'always' } });
      assert.deepEqual(updated!.settings, { countThreshold: 500, bytesThreshold: TiB, sync: 'always' });
      const a = await store.addProcessor(flow.id, proc('A'));
      const c = await store.addConnection(flow.id, { sourceId: a.id, relationship: 'success', targetId: a.id });
      assert.deepEqual([c.countThreshold, c.bytesThreshold, c.durable], [500, TiB, true]);
      const fast = await store.addConnection(flow.id, { sourceId: a.id, relationship: 'dropped', targetId: a.id, durable: false });
      assert.equal(fast.durable, false);
      assert.equal((await store.updateConnection(flow.id, fast.id, { durable: true }))!.durable, true);
      const own = await store.addConnection(flow.id, { sourceId: a.id, relationship: 'failure', targetId: a.id, countThreshold: 7 });
      assert.equal(own.countThreshold, 7);
    });

    test('updates patch only what they name and are scoped to the flow', async () => {
      const flow = await store.createFlow('Updates');
      const other = await store.createFlow('Other');
      const a = await store.addProcessor(flow.id, proc('A'));
      const patched = await store.updateProcessor(flow.id, a.id, { name: 'A2', position: { x: 1, y: 2 }, properties: { sql: 'SELECT 1' } });
      const expected: ProcessorConfig = { ...a, name: 'A2', position: { x: 1, y: 2 }, properties: { sql: 'SELECT 1' } };
      assert.deepEqual(patched, expected);
      assert.deepEqual(await store.updateProcessor(flow.id, a.id, {}), expected);
      assert.deepEqual((await store.getFlow(flow.id))!.processors, [expected]);
      assert.equal(await store.updateProcessor(other.id, a.id, { name: 'nope' }), null);
      const c = await store.addConnection(flow.id, { sourceId: a.id, relationship: 'success', targetId: a.id, countThreshold: 5, bytesThreshold: 2048 });
      assert.deepEqual(await store.updateConnection(flow.id, c.id, { bytesThreshold: TiB, prioritizer: 'NEWEST_FIRST', expirationMs: 1000 }), { ...c, bytesThreshold: TiB, prioritizer: 'NEWEST_FIRST', expirationMs: 1000 });
      assert.deepEqual((await store.getFlow(flow.id))!.connections, [{ ...c, bytesThreshold: TiB, prioritizer: 'NEWEST_FIRST', expirationMs: 1000 }]);
      const rescheduled = await store.updateProcessor(flow.id, a.id, { scheduling: { ...DEFAULT_SCHEDULING, strategy: 'TIMER', periodMs: 42 } });
      assert.equal(rescheduled!.scheduling.periodMs, 42);
      assert.equal(await store.updateConnection(other.id, c.id, { countThreshold: 9 }), null);
      assert.deepEqual(await store.updateFlow(flow.id, { name: 'Renamed' }), { ...(await store.getFlow(flow.id))!, name: 'Renamed' });
    });

    test('deleting a processor deletes its connections; deleting a flow deletes everything', async () => {
      const flow = await store.createFlow('Cascade');
      const [a, b, c] = [await store.addProcessor(flow.id, proc('A')), await store.addProcessor(flow.id, proc('B')), await store.addProcessor(flow.id, proc('C'))];
      await store.addConnection(flow.id, { sourceId: a.id, relationship: 'success', targetId: b.id });
      await store.addConnection(flow.id, { sourceId: b.id, relationship: 'success', targetId: c.id });
      const ac = await store.addConnection(flow.id, { sourceId: a.id, relationship: 'failure', targetId: c.id });
      assert.equal(await store.deleteProcessor(flow.id, b.id), true);
      assert.deepEqual(await store.getFlow(flow.id), { id: flow.id, name: 'Cascade', settings: DEFAULT_FLOW_SETTINGS, processors: [a, c], connections: [ac], services: [] });
      assert.equal(await store.deleteConnection(flow.id, ac.id), true);
      assert.deepEqual((await store.getFlow(flow.id))!.connections, []);
      assert.equal(await store.deleteFlow(flow.id), true);
      assert.equal(await store.getFlow(flow.id), null);
      assert.equal(await store.deleteProcessor(flow.id, a.id), false); // went with the flow
    });

    test('importFlow creates fresh ids and remaps connection endpoints', async () => {
      const source = { name: 'Demo', processors: [{ id: 'gen', runState: 'RUNNING' as const, ...proc('Generate') }, { id: 'log', ...proc('Log') }, proc('Loose')], connections: [{ id: 'c1', sourceId: 'gen', relationship: 'success', targetId: 'log', bytesThreshold: TiB }] };
      const one = await store.importFlow(source);
      const two = await store.importFlow(source);
      assert.deepEqual(one.processors.map((p) => [p.name, p.runState]), [['Generate', 'STOPPED'], ['Log', 'STOPPED'], ['Loose', 'STOPPED']]);
      const [gen, log] = one.processors;
      assert.deepEqual(one.connections, [{ id: one.connections[0].id, sourceId: gen.id, relationship: 'success', targetId: log.id, countThreshold: 10_000, bytesThreshold: TiB, ...FIFO }]);
      const ids = [one.id, two.id, ...[one, two].flatMap((g) => [...g.processors, ...g.connections].map((x) => x.id))];
      assert.equal(new Set(ids).size, ids.length);
      assert.ok(!ids.some((id) => ['gen', 'log', 'c1'].includes(id)));
      assert.deepEqual(await store.getFlow(one.id), one);
      // a dangling endpoint rejects the whole import: no half-created flow is left behind
      const before = (await store.listFlows()).length;
      await assert.rejects(store.importFlow({ ...source, name: 'Broken', connections: [{ ...source.connections[0], targetId: 'missing' }] }), FlowStoreError);
      assert.equal((await store.listFlows()).length, before);
    });

    test('listFlows: ordered by name, counts processors, running when any processor runs', async () => {
      const zed = await store.createFlow('zz last');
      const first = await store.createFlow('AA first');
      const [p1, p2] = [await store.addProcessor(first.id, proc('P1')), await store.addProcessor(first.id, proc('P2'))];
      await store.setRunState(first.id, [p1.id], 'RUNNING');
      const flows = await store.listFlows();
      for (const f of flows) FlowSummary.parse(f);
      assert.deepEqual(flows.map((f) => f.name), [...flows.map((f) => f.name)].sort((a, b) => a.localeCompare(b)));
      const summary = flows.find((f) => f.id === first.id)!;
      assert.deepEqual({ ...summary, updatedAt: '' }, { id: first.id, name: 'AA first', processorCount: 2, running: true, updatedAt: '' });
      assert.equal(new Date(summary.updatedAt).toISOString(), summary.updatedAt);
      assert.equal(flows.find((f) => f.id === zed.id)!.running, false);
      assert.deepEqual((await store.getFlow(first.id))!.processors.map((p) => p.runState), ['RUNNING', 'STOPPED']);
      await store.setRunState(first.id, [p1.id, p2.id], 'STOPPED');
      assert.equal((await store.listFlows()).find((f) => f.id === first.id)!.running, false);
    });

    test('every write to processors, connections or services bumps the flow updatedAt', async () => {
      const flow = await store.createFlow('Touch');
      const writes: (() => Promise<unknown>)[] = [];
      let a!: ProcessorConfig;
      let connId = '';
      writes.push(async () => (a = await store.addProcessor(flow.id, proc('A'))));
      writes.push(() => store.updateProcessor(flow.id, a.id, { batchSize: 7 }));
      writes.push(async () => (connId = (await store.addConnection(flow.id, { sourceId: a.id, relationship: 'r', targetId: a.id })).id));
      writes.push(() => store.updateConnection(flow.id, connId, { countThreshold: 3 }));
      writes.push(() => store.setRunState(flow.id, [a.id], 'RUNNING'));
      writes.push(() => store.deleteConnection(flow.id, connId));
      writes.push(() => store.deleteProcessor(flow.id, a.id));
      let serviceId = '';
      writes.push(async () => (serviceId = (await store.addService(flow.id, pool('S'))).id));
      writes.push(() => store.updateService(flow.id, serviceId, { name: 'S2' }));
      writes.push(() => store.deleteService(flow.id, serviceId));
      writes.push(() => store.updateFlow(flow.id, { name: 'Touched' }));
      for (const write of writes) {
        const before = await updatedAt(flow.id);
        await sleep(5);
        await write();
        assert.ok((await updatedAt(flow.id)) > before, `updatedAt not bumped by ${write.toString().slice(0, 60)}`);
      }
    });

    test('controller services: created in order, patched, scoped to their flow, deleted with the flow', async () => {
      const flow = await store.createFlow('Services');
      const other = await store.createFlow('Other services');
      const eu = await store.addService(flow.id, pool('EU shop'));
      const asia = await store.addService(flow.id, pool('Asia shop', { url: 'postgresql://asia-db/shop', poolSize: 4, tags: ['a', null] }));
      assert.deepEqual(eu, { id: eu.id, ...pool('EU shop') });
      assert.deepEqual((await store.getFlow(flow.id))!.services, [eu, asia], 'in creation order, properties exactly as saved');
      assert.deepEqual(FlowGraph.parse(await store.getFlow(flow.id)), await store.getFlow(flow.id));

      const renamed = await store.updateService(flow.id, eu.id, { name: 'EU orders' });
      assert.deepEqual(renamed, { ...eu, name: 'EU orders' }, 'a name-only patch keeps the properties');
      const reconfigured = await store.updateService(flow.id, eu.id, { properties: { url: 'postgresql://eu-db-2/shop' } });
      assert.deepEqual(reconfigured, { ...eu, name: 'EU orders', properties: { url: 'postgresql://eu-db-2/shop' } });
      assert.deepEqual(await store.updateService(flow.id, eu.id, {}), reconfigured);
      assert.equal(await store.updateService(other.id, eu.id, { name: 'stolen' }), null, 'another flow cannot touch it');
      assert.equal(await store.deleteService(other.id, eu.id), false);
      await assert.rejects(store.addService('nope', pool('x')), (e) => e instanceof FlowStoreError && e.code === 'NOT_FOUND');

      assert.equal(await store.deleteService(flow.id, asia.id), true);
      assert.deepEqual((await store.getFlow(flow.id))!.services, [reconfigured]);
      assert.equal(await store.deleteFlow(flow.id), true);
      assert.equal(await store.updateService(flow.id, eu.id, { name: 'gone' }), null, 'went with the flow');
    });

    test('importFlow remaps service ids in the properties that reference services', async () => {
      const source = {
        name: 'With services',
        services: [{ id: 'db', ...pool('Orders DB') }],
        // `note` happens to hold the same text as the service id: it is not a reference, so it stays
        processors: [{ id: 'q', ...proc('Query', { properties: { database: 'db', note: 'db' } }) }],
        connections: [],
      };
      const imported = await store.importFlow(source, { serviceRefs: (type) => (type === 'GenerateRecords' ? ['database'] : []) });
      const [service] = imported.services;
      assert.notEqual(service.id, 'db');
      assert.deepEqual(service, { id: service.id, ...pool('Orders DB') });
      assert.deepEqual(imported.processors[0].properties, { database: service.id, note: 'db' });
    });

    test('unknown ids: null, false or a FlowStoreError', async () => {
      const flow = await store.createFlow('Known');
      const other = await store.createFlow('Elsewhere');
      const stranger = await store.addProcessor(other.id, proc('Stranger'));
      assert.equal(await store.getFlow('nope'), null);
      assert.equal(await store.updateFlow('nope', { name: 'x' }), null);
      assert.equal(await store.deleteFlow('nope'), false);
      assert.equal(await store.updateProcessor(flow.id, 'nope', { name: 'x' }), null);
      assert.equal(await store.deleteProcessor(flow.id, 'nope'), false);
      assert.equal(await store.deleteProcessor(flow.id, stranger.id), false);
      assert.equal(await store.updateConnection(flow.id, 'nope', { countThreshold: 2 }), null);
      assert.equal(await store.deleteConnection(flow.id, 'nope'), false);
      await store.setRunState(flow.id, [stranger.id], 'RUNNING'); // not in this flow: ignored
      assert.equal((await store.getFlow(other.id))!.processors[0].runState, 'STOPPED');
      await assert.rejects(store.addProcessor('nope', proc('x')), (e) => e instanceof FlowStoreError && e.code === 'NOT_FOUND');
      await assert.rejects(store.addConnection(flow.id, { sourceId: stranger.id, relationship: 'r', targetId: stranger.id }), FlowStoreError);
      assert.deepEqual(await store.getFlow(flow.id), { id: flow.id, name: 'Known', settings: DEFAULT_FLOW_SETTINGS, processors: [], connections: [], services: [] });
    });
  });
}

storeSuite('FlowStore on SQLite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conflux-store-'));
  return { url: `file:${path.join(dir, 'test.db')}`, teardown: async () => fs.rmSync(dir, { recursive: true, force: true }) };
});

storeSuite('FlowStore on PostgreSQL', async () => {
  const database = `conflux_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    teardown: async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    },
  };
});
