// node --import tsx --test e2e/services-api.test.ts   (needs a current `next build`: node scripts/build-if-stale.mjs)
// Controller services and processor state through the HTTP API, on SQLite and PostgreSQL, with the
// test-only types of e2e/fixtures/test-types.ts (a SQL service with a password, a source using it).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import type { FlowGraph, ProcessorConfig, ServiceConfig } from '../engine/flow/schema';
import { Events, type ClientToServerEvents, type ServerToClientEvents } from '../engine/protocol';
import { MASKED } from '../engine/sdk';
import { waitFor } from './browser';
import { digest } from './fixtures/test-types';
import { api, startConflux, type RunningConflux } from './server';
import { flowStoreTargets } from './store-targets';

const PASSWORD = 'pg-secret-Zx81!';
const NEW_PASSWORD = 'rotated-Qw55?';
const API_KEY = 'api-key-Lm27#';
const SECRETS = [PASSWORD, NEW_PASSWORD, API_KEY];

for (const target of flowStoreTargets()) {
  describe(`controller services and processor state API on ${target.name}`, () => {
    let server: RunningConflux;
    /** Every answer body and socket payload, to prove no secret ever left the server. */
    const seen: string[] = [];
    const call = async (method: string, pathname: string, body?: unknown) => {
      const answer = await api(server.url, method, pathname, body);
      seen.push(JSON.stringify(answer.body ?? null));
      return answer;
    };

    before(async () => {
      server = await startConflux({ databaseUrl: await target.create(), testTypes: true, env: { CONFLUX_NO_DEMO: '1' } });
    });
    after(async () => {
      await server?.stop();
      await target.drop();
    });

    test('create, list, edit and delete services; secrets masked everywhere, kept when sent back masked', async () => {
      const flowId: string = (await call('POST', '/api/flows', { name: 'Regional shops' })).body.flow.id;
      const base = `/api/flows/${flowId}`;

      const unknown = await call('POST', `${base}/services`, { type: 'Teleporter' });
      assert.equal(unknown.status, 400);
      assert.match(unknown.body.error, /unknown controller service type "Teleporter"/);
      assert.equal(unknown.body.issues[0].property, 'type');
      const badUrl = await call('POST', `${base}/services`, { type: 'TestDatabase', properties: { url: '' } });
      assert.equal(badUrl.status, 400);
      assert.deepEqual(badUrl.body.issues, [{ property: 'url', message: 'a URL is required' }]);
      assert.equal((await call('POST', `${base}/services`, { name: 'x' })).status, 400, 'type is required');

      // created by type only: the spec's defaults, invalid until its URL is set
      const bare = await call('POST', `${base}/services`, { type: 'TestDatabase' });
      assert.equal(bare.status, 201);
      assert.deepEqual(bare.body.service.properties, { user: 'conflux', password: '' }, 'an unset secret shows as unset');
      const created = await call('POST', `${base}/services`, {
        type: 'TestDatabase',
        name: 'EU shop',
        properties: { url: 'postgresql://eu-db/shop', password: PASSWORD },
      });
      assert.equal(created.status, 201);
      const eu: ServiceConfig = created.body.service;
      assert.deepEqual(eu, { id: eu.id, type: 'TestDatabase', name: 'EU shop', properties: { url: 'postgresql://eu-db/shop', user: 'conflux', password: MASKED } });

      const listed = await call('GET', `${base}/services`);
      assert.deepEqual(listed.body.services.map((s: ServiceConfig) => s.name), ['TestDatabase', 'EU shop'], 'in creation order');
      assert.deepEqual((await call('GET', base)).body.flow.services[1], eu);

      // sending the form back as it was shown (password MASKED) keeps the stored password
      const renamed = await call('PATCH', `${base}/services/${eu.id}`, { name: 'EU orders', properties: { ...eu.properties, user: 'reader' } });
      assert.equal(renamed.status, 200);
      assert.deepEqual(renamed.body.service.properties, { url: 'postgresql://eu-db/shop', user: 'reader', password: MASKED });
      const omitted = await call('PATCH', `${base}/services/${eu.id}`, { properties: { url: 'postgresql://eu-db/shop', user: 'reader' } });
      assert.equal(omitted.body.service.properties.password, MASKED, 'a secret left out is kept too');

      const badPatch = await call('PATCH', `${base}/services/${eu.id}`, { properties: { url: 42 } });
      assert.equal(badPatch.status, 400);
      assert.equal(badPatch.body.issues[0].property, 'url');
      assert.equal((await call('PATCH', `${base}/services/${eu.id}`, { colour: 'red' })).status, 400, 'unknown fields rejected');
      assert.equal((await call('PATCH', `${base}/services/nope`, { name: 'x' })).status, 404);
      assert.equal((await call('GET', `/api/flows/nope/services`)).status, 404);

      assert.equal((await call('DELETE', `${base}/services/${bare.body.service.id}`)).status, 204);
      assert.deepEqual((await call('GET', `${base}/services`)).body.services.map((s: ServiceConfig) => s.id), [eu.id]);
      assert.equal((await call('DELETE', `${base}/services/${bare.body.service.id}`)).status, 404);
    });

    test('processors use services: the engine gets the secrets in clear, references block deletion, running users block changes', async () => {
      const flowId: string = (await call('POST', '/api/flows', { name: 'Orders extract' })).body.flow.id;
      const base = `/api/flows/${flowId}`;
      const db: ServiceConfig = (
        await call('POST', `${base}/services`, { type: 'TestDatabase', name: 'Asia shop', properties: { url: 'mysql://asia-db/shop', password: PASSWORD } })
      ).body.service;
      const query: ProcessorConfig = (await call('POST', `${base}/processors`, { type: 'TestQuery', name: 'Read orders', position: { x: 0, y: 0 } })).body.processor;
      const properties = { database: db.id, apiKey: API_KEY };
      const configured = await call('PATCH', `${base}/processors/${query.id}`, { properties, autoTerminated: ['success'] });
      assert.equal(configured.status, 200);
      assert.deepEqual(configured.body.processor.properties, { database: db.id, apiKey: MASKED }, 'a processor\'s secret is masked too');
      // the form sends the masked value back with another change: the key is kept
      const resent = await call('PATCH', `${base}/processors/${query.id}`, { properties: { ...configured.body.processor.properties } });
      assert.equal(resent.status, 200);

      const inUse = await call('DELETE', `${base}/services/${db.id}`);
      assert.equal(inUse.status, 409);
      assert.match(inUse.body.error, /"Asia shop" is used by "Read orders"/);

      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, { transports: ['websocket'], auth: { token: server.token } });
      socket.on(Events.stats, (stats) => seen.push(JSON.stringify(stats)));
      socket.emit(Events.subscribe, flowId);
      try {
        const started = await call('POST', `${base}/run`, { action: 'start' });
        assert.deepEqual(started.body.invalid, []);
        await waitFor(async () => ((await call('GET', `${base}/processors/${query.id}/state`)).body.state?.n ?? 0) >= 2, 'state to be committed');
        const { state } = (await call('GET', `${base}/processors/${query.id}/state`)).body;
        assert.deepEqual({ ...state, n: 0 }, { n: 0, password: digest(PASSWORD), apiKey: digest(API_KEY) }, 'the engine got both secrets in clear');

        const whileRunning = await call('PATCH', `${base}/services/${db.id}`, { properties: { url: 'mysql://asia-db-2/shop' } });
        assert.equal(whileRunning.status, 409);
        assert.match(whileRunning.body.error, /stop "Read orders" before changing "Asia shop"/);
        assert.equal((await call('PATCH', `${base}/services/${db.id}`, { name: 'Renamed' })).status, 409, 'a rename reopens it too');
        const clearWhileRunning = await call('DELETE', `${base}/processors/${query.id}/state`);
        assert.equal(clearWhileRunning.status, 409);
        assert.match(clearWhileRunning.body.error, /stop "Read orders" before clearing its state/);
      } finally {
        socket.close();
      }
      await call('POST', `${base}/run`, { action: 'stop' });

      // stopped: the password may change, and the engine reopens the service with the new one
      const rotated = await call('PATCH', `${base}/services/${db.id}`, { properties: { url: 'mysql://asia-db/shop', password: NEW_PASSWORD } });
      assert.equal(rotated.status, 200);
      assert.equal(rotated.body.service.properties.password, MASKED);
      assert.equal((await call('DELETE', `${base}/processors/${query.id}/state`)).status, 204);
      assert.equal((await call('GET', `${base}/processors/${query.id}/state`)).body.state, null, 'cleared');
      await call('POST', `${base}/run`, { action: 'start', processorId: query.id });
      await waitFor(async () => (await call('GET', `${base}/processors/${query.id}/state`)).body.state !== null, 'a new state');
      await call('POST', `${base}/run`, { action: 'stop' });
      const restarted = (await call('GET', `${base}/processors/${query.id}/state`)).body.state;
      assert.equal(restarted.password, digest(NEW_PASSWORD));
      assert.ok(restarted.n < 10, `counting restarted from scratch (n = ${restarted.n})`);

      assert.equal((await call('GET', `${base}/processors/nope/state`)).status, 404);
      // a reference to a service that is not there makes the processor invalid
      await call('PATCH', `${base}/processors/${query.id}`, { properties: { database: 'no-such-service' } });
      const refused = await call('POST', `${base}/run`, { action: 'start', processorId: query.id });
      assert.equal(refused.status, 409);
      assert.match(refused.body.issues.map((i: { message: string }) => i.message).join(), /no controller service "no-such-service"/);
      assert.equal((await call('DELETE', `${base}/services/${db.id}`)).status, 204, 'unreferenced now: deletable');

      const graph: FlowGraph = (await call('GET', base)).body.flow;
      assert.deepEqual(graph.services, []);
      assert.equal(graph.processors[0].properties.apiKey, MASKED, 'the key survived every masked round trip');
    });

    test('no answer and no socket payload ever carried a secret', () => {
      assert.ok(seen.length > 20, `${seen.length} answers and payloads checked`);
      for (const text of seen) for (const secret of SECRETS) assert.ok(!text.includes(secret), `a secret leaked in: ${text.slice(0, 200)}`);
      assert.ok(!SECRETS.some((secret) => server.output().includes(secret)), 'nor the server log');
    });
  });
}
