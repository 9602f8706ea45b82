import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { io, type Socket } from 'socket.io-client';
import type { FlowGraph, ProcessorConfig } from '../engine/flow/schema';
import { Events, type ClientToServerEvents, type FlowStats, type ServerToClientEvents } from '../engine/protocol';
import { api, startConflux, type RunningConflux } from './server';
import { flowStoreTargets } from './store-targets';

for (const target of flowStoreTargets()) {
  describe(`flow API on ${target.name}`, () => {
    let server: RunningConflux;
    let databaseUrl: string;
    const call = (method: string, pathname: string, body?: unknown) => api(server.url, method, pathname, body);

    before(async () => {
      databaseUrl = await target.create();
      server = await startConflux({ databaseUrl });
    });
    after(async () => {
      await server?.stop();
      await target.drop();
    });

    test('a new store opens with the store showcase running and the back-pressure demo beside it', async () => {
      const { status, body } = await call('GET', '/api/flows');
      assert.equal(status, 200);
      assert.deepEqual(
        body.flows.map((f: { name: string }) => f.name),
        ['Online store: four regions → warehouse', 'Sandbox: back pressure (synthetic orders)'],
      );
      const shop = (await call('GET', `/api/flows/${body.flows[0].id}`)).body.flow as FlowGraph;
      assert.ok(shop.processors.every((p) => p.runState === 'RUNNING'));
      assert.deepEqual(shop.services.map((s) => s.type).sort(), ['DuckDBWarehouse', 'SQLitePool', 'SQLitePool', 'SQLitePool', 'SQLitePool']);
      const demo = (await call('GET', `/api/flows/${body.flows[1].id}`)).body.flow as FlowGraph;
      assert.equal(demo.processors.length, 7);
      assert.equal(demo.connections.length, 6);
      assert.deepEqual(demo.services.map((s) => s.type), ['DuckDBWarehouse']);
    });

    test('build, configure, start, watch and stop a flow; bad input gets 4xx with a message', async () => {
      const created = await call('POST', '/api/flows', { name: 'Orders to count' });
      assert.equal(created.status, 201);
      const flowId: string = created.body.flow.id;
      const base = `/api/flows/${flowId}`;

      assert.equal((await call('POST', '/api/flows', { name: '' })).status, 400);
      assert.equal((await call('POST', '/api/flows', '{not json')).status, 400);
      const unknown = await call('POST', `${base}/processors`, { type: 'Teleport', position: { x: 0, y: 0 } });
      assert.equal(unknown.status, 400);
      assert.match(unknown.body.error, /unknown processor type "Teleport"/);

      const gen: ProcessorConfig = (await call('POST', `${base}/processors`, { type: 'GenerateRecords', position: { x: 0, y: 0 } })).body.processor;
      const count: ProcessorConfig = (await call('POST', `${base}/processors`, { type: 'Count', name: 'Counter', position: { x: 300, y: 0 } })).body.processor;
      assert.equal(gen.properties.rate, 100, 'spec defaults filled in');
      assert.equal(count.name, 'Counter');

      const badTemplate = await call('PATCH', `${base}/processors/${gen.id}`, { properties: { ...gen.properties, template: '{"a": ' } });
      assert.equal(badTemplate.status, 400);
      assert.equal(badTemplate.body.issues[0].property, 'template');
      assert.match(badTemplate.body.issues[0].message, /JSONata/);
      const badRate = await call('PATCH', `${base}/processors/${gen.id}`, { properties: { ...gen.properties, rate: -5 } });
      assert.equal(badRate.status, 400);
      assert.equal(badRate.body.issues[0].property, 'rate');
      assert.equal((await call('PATCH', `${base}/processors/${gen.id}`, { colour: 'red' })).status, 400, 'unknown fields rejected');

      const intoSource = await call('POST', `${base}/connections`, { sourceId: count.id, relationship: 'success', targetId: gen.id });
      assert.equal(intoSource.status, 400);
      const noSuchRelationship = await call('POST', `${base}/connections`, { sourceId: gen.id, relationship: 'failure', targetId: count.id });
      assert.match(noSuchRelationship.body.error, /no relationship "failure"/);

      // not connected yet: starting it alone is refused with the reason
      const refused = await call('POST', `${base}/run`, { action: 'start', processorId: gen.id });
      assert.equal(refused.status, 409);
      assert.match(refused.body.issues[0].message, /relationship "success" is not connected/);

      const connection = await call('POST', `${base}/connections`, { sourceId: gen.id, relationship: 'success', targetId: count.id, countThreshold: 50 });
      assert.equal(connection.status, 201);
      const configured = await call('PATCH', `${base}/processors/${gen.id}`, { properties: { ...gen.properties, template: '{"n": $i}', rate: 0, limit: 500 }, batchSize: 10 });
      assert.equal(configured.status, 200);
      assert.equal(configured.body.processor.properties.limit, 500);

      const started = await call('POST', `${base}/run`, { action: 'start' });
      assert.equal(started.status, 200);
      assert.deepEqual(started.body.invalid, []);
      assert.ok(started.body.flow.processors.every((p: ProcessorConfig) => p.runState === 'RUNNING'));

      const whileRunning = await call('PATCH', `${base}/processors/${gen.id}`, { properties: { ...gen.properties } });
      assert.equal(whileRunning.status, 409);
      assert.match(whileRunning.body.error, /stop .* before changing its configuration/);
      assert.equal((await call('PATCH', `${base}/processors/${gen.id}`, { position: { x: 10, y: 20 } })).status, 200, 'moving is fine');
      assert.equal((await call('DELETE', `${base}/processors/${count.id}`)).status, 409);
      assert.equal((await call('DELETE', base)).status, 409);
      const connectionWhileRunning = await call('DELETE', `${base}/connections/${connection.body.connection.id}`);
      assert.equal(connectionWhileRunning.status, 409);
      assert.match(connectionWhileRunning.body.error, /stop .* before deleting this connection/);

      const listed = (await call('GET', '/api/flows')).body.flows.find((f: { id: string }) => f.id === flowId);
      assert.equal(listed.running, true);
      await sleep(300);
      const stopped = await call('POST', `${base}/run`, { action: 'stop' });
      assert.ok(stopped.body.flow.processors.every((p: ProcessorConfig) => p.runState === 'STOPPED'));

      const graph: FlowGraph = (await call('GET', base)).body.flow;
      assert.deepEqual(graph.processors.find((p) => p.id === gen.id)!.position, { x: 10, y: 20 });
      assert.equal(graph.connections[0].countThreshold, 50);
      assert.equal((await call('GET', '/api/flows/nope')).status, 404);
    });

    test('the live channel pushes stats to a flow\'s viewers about twice a second, and graph changes', async () => {
      const flowId: string = (await call('GET', '/api/flows')).body.flows.find((f: { name: string }) => /Sandbox/.test(f.name)).id;
      const demo: FlowGraph = (await call('GET', `/api/flows/${flowId}`)).body.flow;
      const generator = demo.processors.find((p) => p.type === 'GenerateRecords')!;
      const slowQueue = demo.connections.find((c) => c.countThreshold === 1000)!;
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, { transports: ['websocket'], auth: { token: server.token } });
      const received: FlowStats[] = [];
      const changes: string[] = [];
      socket.on(Events.stats, (stats) => received.push(stats));
      socket.on(Events.changed, ({ flowId }) => changes.push(flowId));
      socket.emit(Events.subscribe, flowId);
      try {
        await call('POST', `/api/flows/${flowId}/run`, { action: 'start' });
        const startedAt = Date.now();
        await sleep(2600);
        await call('PATCH', `/api/flows/${flowId}`, { name: 'Demo, renamed' });
        await call('POST', `/api/flows/${flowId}/run`, { action: 'stop' });
        await sleep(100);
        const during = received.filter((s) => s.at >= startedAt && s.at <= startedAt + 2600);
        assert.ok(during.length >= 4, `${during.length} snapshots in 2.6 s`);
        const last = during.at(-1)!;
        assert.ok(last.processors[generator.id].out > 0, 'the generator has sent records');
        assert.ok(last.processors[generator.id].rate1s > 100, `rate ${last.processors[generator.id].rate1s}/s`);
        assert.ok(last.connections[slowQueue.id].queued > 0, 'the slow step\'s queue fills');
        assert.equal(last.connections[slowQueue.id].countThreshold, 1000);
        const load = demo.processors.find((p) => p.type === 'PutWarehouse')!;
        assert.ok(last.processors[load.id].out > 0, `the embedded warehouse loaded rows: ${JSON.stringify(last.processors[load.id].bulletins)}`);
        assert.ok(changes.includes(flowId), 'viewers are told the graph changed');
      } finally {
        socket.close();
      }
    });

    test('run states survive a restart: running processors resume', async () => {
      const flowId: string = (await call('POST', '/api/flows', { name: 'Survivor' })).body.flow.id;
      const base = `/api/flows/${flowId}`;
      const gen: ProcessorConfig = (await call('POST', `${base}/processors`, { type: 'GenerateRecords', position: { x: 0, y: 0 } })).body.processor;
      const count: ProcessorConfig = (await call('POST', `${base}/processors`, { type: 'Count', position: { x: 300, y: 0 } })).body.processor;
      await call('POST', `${base}/connections`, { sourceId: gen.id, relationship: 'success', targetId: count.id });
      await call('POST', `${base}/run`, { action: 'start' });
      await server.stop();
      server = await startConflux({ databaseUrl });
      const graph: FlowGraph = (await call('GET', base)).body.flow;
      assert.ok(graph.processors.every((p) => p.runState === 'RUNNING'));
      // and the engine really runs them again: the live channel says so
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, { transports: ['websocket'], auth: { token: server.token } });
      try {
        const stats = await new Promise<FlowStats>((resolve) => {
          socket.on(Events.stats, (s) => s.processors[count.id]?.in > 0 && resolve(s));
          socket.emit(Events.subscribe, flowId);
        });
        assert.equal(stats.processors[gen.id].state, 'RUNNING');
      } finally {
        socket.close();
      }
      await call('POST', `${base}/run`, { action: 'stop' });
    });
  });
}
