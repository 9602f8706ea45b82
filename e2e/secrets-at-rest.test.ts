// node --import tsx --test e2e/secrets-at-rest.test.ts   (needs a current `next build`: node scripts/build-if-stale.mjs)
// Secrets sealed in the flow store and bound to their destination, through the real server on
// SQLite and PostgreSQL: the raw database never holds the password, the engine still gets it, a
// service cannot be pointed at another host while keeping it, and `npm run rotate-key` (a real
// process) changes the key without losing it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { ProcessorConfig, ServiceConfig } from '../engine/flow/schema';
import { MASKED } from '../engine/sdk';
import { waitFor } from './browser';
import { digest } from './fixtures/test-types';
import { api, startConflux, type RunningConflux } from './server';
import { flowStoreTargets } from './store-targets';

const root = path.resolve(import.meta.dirname, '..');
const SEALED = /enc:v1:([0-9a-f]{8}):/g;

/** Every byte the flow store keeps about processors and services, as text. */
async function storedText(databaseUrl: string): Promise<string> {
  if (databaseUrl.startsWith('file:')) {
    // the database file and whatever SQLite keeps beside it (-wal, -journal)
    const dir = path.dirname(databaseUrl.slice('file:'.length));
    // (a journal can vanish between the listing and the read: the server writes its audit log meanwhile)
    const read = (name: string) => {
      try {
        return fs.readFileSync(path.join(dir, name)).toString('latin1');
      } catch {
        return '';
      }
    };
    return fs.readdirSync(dir).map(read).join('\n');
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT properties::text AS text FROM "ControllerService" UNION ALL SELECT properties::text FROM "Processor"`);
    return rows.map((r) => r.text).join('\n');
  } finally {
    await client.end();
  }
}

const keyIdsIn = (text: string) => new Set([...text.matchAll(SEALED)].map((m) => m[1]));

/** A TCP server on another loopback address that only counts who connects (and hangs up on them). */
async function fakeDatabase(): Promise<{ host: string; port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  return {
    host: '127.0.0.2',
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function rotateKey(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/rotate-key.ts')], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

for (const target of flowStoreTargets()) {
  describe(`secrets at rest on ${target.name}`, () => {
    const password = `hunter2-${randomBytes(6).toString('hex')}`;
    const keyFile = path.join(fs.mkdtempSync(path.join(tmpdir(), 'conflux-key-')), 'secret.key');
    const env = { CONFLUX_NO_DEMO: '1', CONFLUX_SECRET_KEY_FILE: keyFile };
    let databaseUrl: string;
    let server: RunningConflux;
    let fake: Awaited<ReturnType<typeof fakeDatabase>>;
    /** Every answer body, to prove none carries the password. */
    const seen: string[] = [];
    const call = async (method: string, pathname: string, body?: unknown) => {
      const answer = await api(server.url, method, pathname, body);
      seen.push(JSON.stringify(answer.body ?? null));
      return answer;
    };
    let base = '';
    let query: ProcessorConfig;
    let reader: ProcessorConfig;
    let pool: ServiceConfig;
    const outputs: string[] = [];

    before(async () => {
      databaseUrl = await target.create();
      fake = await fakeDatabase();
      server = await startConflux({ databaseUrl, testTypes: true, env });
    });
    after(async () => {
      await server?.stop();
      await fake?.close();
      await target.drop();
    });

    test('the password is sealed in the flow store, and the engine gets it in clear', async () => {
      const flowId: string = (await call('POST', '/api/flows', { name: 'Sealed' })).body.flow.id;
      base = `/api/flows/${flowId}`;
      const db: ServiceConfig = (await call('POST', `${base}/services`, { type: 'TestDatabase', properties: { url: 'postgresql://db/shop', password } })).body.service;
      assert.equal(db.properties.password, MASKED);
      query = (await call('POST', `${base}/processors`, { type: 'TestQuery', position: { x: 0, y: 0 } })).body.processor;
      assert.equal((await call('PATCH', `${base}/processors/${query.id}`, { properties: { database: db.id, apiKey: `key-${password}` }, autoTerminated: ['success'] })).status, 200);

      const stored = await storedText(databaseUrl);
      assert.ok(!stored.includes(password), 'the password is not in the database in clear');
      assert.deepEqual([...keyIdsIn(stored)].length, 1, 'both secrets sealed, with one key');
      assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600, 'the key file was created private');
      assert.match(server.output(), /Created the secret key file .*secret\.key \(key [0-9a-f]{8}\)/);

      assert.deepEqual((await call('POST', `${base}/run`, { action: 'start', processorId: query.id })).body.invalid, []);
      await waitFor(async () => (await call('GET', `${base}/processors/${query.id}/state`)).body.state !== null, 'a committed state');
      await call('POST', `${base}/run`, { action: 'stop' });
      const { state } = (await call('GET', `${base}/processors/${query.id}/state`)).body;
      assert.equal(state.password, digest(password), 'the engine opened the service with the password in clear');
      assert.equal(state.apiKey, digest(`key-${password}`));
    });

    test('a new host with the password masked is refused: the old password never reaches it', async () => {
      pool = (
        await call('POST', `${base}/services`, {
          type: 'PostgreSQLPool',
          name: 'Orders',
          properties: { host: '127.0.0.1', port: fake.port, database: 'shop', user: 'reader', password },
        })
      ).body.service;
      reader = (await call('POST', `${base}/processors`, { type: 'QueryDatabaseTable', position: { x: 0, y: 200 } })).body.processor;
      const readerProperties = { database: pool.id, table: 'orders', maxValueColumn: 'id' };
      assert.equal((await call('PATCH', `${base}/processors/${reader.id}`, { properties: readerProperties, autoTerminated: ['success'] })).status, 200);

      const moved = await call('PATCH', `${base}/services/${pool.id}`, { properties: { ...pool.properties, host: fake.host } });
      assert.equal(moved.status, 400);
      assert.match(moved.body.error, /changing "host" would send the stored "password" to a new destination/);
      assert.deepEqual(moved.body.issues.map((i: { property: string }) => i.property), ['host', 'password']);
      const left = await call('PATCH', `${base}/services/${pool.id}`, { properties: { ...pool.properties, host: fake.host, password: undefined } });
      assert.equal(left.status, 400, 'left out is kept, so refused as well');
      assert.equal((await call('GET', `${base}/services`)).body.services[1].properties.host, '127.0.0.1', 'unchanged');

      // the reader runs against the old host (nothing listens there) and fails, never at the new one
      await call('POST', `${base}/run`, { action: 'start', processorId: reader.id });
      await waitFor(async () => ((await call('GET', `${base}/status`)).body.status.processors[reader.id]?.bulletins.length ?? 0) > 0, 'the reader to fail');
      await call('POST', `${base}/run`, { action: 'stop' });
      assert.equal(fake.connections(), 0, 'no connection reached the new host');

      // a processor's URL binds its secret the same way
      const http: ProcessorConfig = (await call('POST', `${base}/processors`, { type: 'InvokeHTTP', position: { x: 300, y: 0 } })).body.processor;
      const httpProperties = { ...http.properties, url: 'https://api.example.com/a', authorization: `Bearer ${password}` };
      const configured = await call('PATCH', `${base}/processors/${http.id}`, { properties: httpProperties });
      assert.equal(configured.status, 200);
      const redirected = await call('PATCH', `${base}/processors/${http.id}`, { properties: { ...configured.body.processor.properties, url: `http://${fake.host}:${fake.port}/` } });
      assert.equal(redirected.status, 400);
      assert.match(redirected.body.error, /changing "url" would send the stored "authorization"/);

      // entered again with the new host: accepted, and the service now connects there
      const reentered = await call('PATCH', `${base}/services/${pool.id}`, { properties: { ...pool.properties, host: fake.host, password } });
      assert.equal(reentered.status, 200);
      assert.equal(reentered.body.service.properties.password, MASKED);
      await call('POST', `${base}/run`, { action: 'start', processorId: reader.id });
      await waitFor(async () => fake.connections() > 0, 'the pool to connect to the new host');
      await call('POST', `${base}/run`, { action: 'stop' });
      assert.ok(!(await storedText(databaseUrl)).includes(password));
    });

    test('rotate-key, run as its own process, re-seals with a new key that the restarted server reads', async () => {
      await server.stop();
      outputs.push(server.output());
      const oldKeyFile = fs.readFileSync(keyFile, 'utf8');
      const [oldKeyId] = keyIdsIn(await storedText(databaseUrl));

      const rotation = await rotateKey({ DATABASE_URL: databaseUrl, CONFLUX_SECRET_KEY_FILE: keyFile });
      assert.equal(rotation.code, 0, rotation.output);
      assert.match(rotation.output, /Re-sealed the secrets of 4 processor\(s\) and service\(s\) with key [0-9a-f]{8}/);
      assert.notEqual(fs.readFileSync(keyFile, 'utf8'), oldKeyFile, 'the key file changed');
      assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
      assert.deepEqual(fs.readdirSync(path.dirname(keyFile)), ['secret.key'], 'no temporary or second key file left');
      const stored = await storedText(databaseUrl);
      const [newKeyId] = keyIdsIn(stored);
      assert.deepEqual([...keyIdsIn(stored)], [newKeyId], 'every secret sealed with the one new key');
      assert.notEqual(newKeyId, oldKeyId);
      assert.ok(!stored.includes(password));

      // the old key cannot start the server any more, and says which key the store needs
      const oldKey = path.join(path.dirname(keyFile), 'old.key');
      fs.writeFileSync(oldKey, oldKeyFile, { mode: 0o600 });
      await assert.rejects(
        startConflux({ databaseUrl, repository: server.repository, testTypes: true, env: { ...env, CONFLUX_SECRET_KEY_FILE: oldKey } }),
        (e: Error) => e.message.includes(`sealed with key ${newKeyId}, but this server has key ${oldKeyId}`),
      );
      fs.rmSync(oldKey);

      server = await startConflux({ databaseUrl, repository: server.repository, testTypes: true, env });
      assert.equal((await call('DELETE', `${base}/processors/${query.id}/state`)).status, 204);
      await call('POST', `${base}/run`, { action: 'start', processorId: query.id });
      await waitFor(async () => (await call('GET', `${base}/processors/${query.id}/state`)).body.state !== null, 'a state after the restart');
      await call('POST', `${base}/run`, { action: 'stop' });
      assert.equal((await call('GET', `${base}/processors/${query.id}/state`)).body.state.password, digest(password));
    });

    test('no answer, status, bulletin or log carried the password', async () => {
      seen.push(JSON.stringify((await call('GET', `${base}/status`)).body));
      outputs.push(server.output());
      assert.ok(seen.length > 20, `${seen.length} answers checked`);
      for (const text of [...seen, ...outputs]) assert.ok(!text.includes(password), `the password leaked in: ${text.slice(0, 300)}`);
    });
  });
}
