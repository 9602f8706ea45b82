import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { connectionConfig, flowGraph, processorConfig, serviceConfig } from '../../flow/build';
import { Engine } from '../../runtime/engine';
import duckdbWarehouse from '../../services/warehouse/duckdb/runtime';
import { DuckDBWarehouse } from '../../services/warehouse/duckdb/warehouse';
import { TcpProxy, testDatabase } from '../../services/warehouse/postgresql/testing';
import { PostgresWarehouse } from '../../services/warehouse/postgresql/warehouse';
import { runProcessor } from '../../testing/run-processor';
import { until } from '../../testing/until';
import count from '../count/runtime';
import generateRecords from '../generate-records/runtime';
import { parseProperties } from '../../flow/validate';
import putWarehouse from './runtime';
import type { AnySpec } from '../../sdk/define-processor';
import { putWarehouseSpec } from './spec';

const folder = mkdtempSync(path.join(tmpdir(), 'conflux-put-warehouse-'));
after(() => rmSync(folder, { recursive: true, force: true }));

async function inMemory() {
  const warehouse = await DuckDBWarehouse.open(':memory:');
  after(() => warehouse.close());
  return warehouse;
}

test('loads a batch, creating the table; bad values and non-objects go to failure, the rest are committed', async () => {
  const warehouse = await inMemory();
  const run = await runProcessor(putWarehouse)
    .service('wh', warehouse)
    .props({ warehouse: 'wh', table: 'orders' })
    .enqueue([{ orderId: 1, qty: 2 }, { orderId: 2, qty: 3 }, 'not a row'])
    .run();
  assert.equal(run.routed('success').length, 2);
  assert.match(run.routed('failure')[0].attributes['error.message'], /content is an object/);

  run.enqueue([{ orderId: 3, qty: 'abc' }, { orderId: 4, qty: 1 }]);
  await run.run();
  assert.deepEqual(run.routed('success').map((r) => (r.content as { orderId: number }).orderId), [1, 2, 4]);
  assert.match(run.routed('failure')[1].attributes['error.message'], /table "orders": column "qty" \(BIGINT\) cannot hold "abc"/);
  assert.deepEqual(await warehouse.query('SELECT "orderId", qty FROM orders ORDER BY "orderId"'), [
    { orderId: 1, qty: 2 },
    { orderId: 2, qty: 3 },
    { orderId: 4, qty: 1 },
  ]);
  await run.stop();
});

test('the table name can come from an attribute; a batch spanning tables loads them all', async () => {
  const warehouse = await inMemory();
  const run = await runProcessor(putWarehouse)
    .service('wh', warehouse)
    .props({ warehouse: 'wh', table: 'orders_${region}' })
    .enqueue([{ id: 1 }], { region: 'eu' })
    .enqueue([{ id: 2 }], { region: 'us' })
    .enqueue([{ id: 3 }], { region: 'eu' })
    .enqueue([{ id: 4 }])
    .run();
  assert.equal(run.routed('success').length, 3);
  assert.match(run.routed('failure')[0].attributes['error.message'], /attribute "region" is missing/);
  assert.deepEqual(await warehouse.query('SELECT id FROM orders_eu ORDER BY id'), [{ id: 1 }, { id: 3 }]);
  assert.deepEqual(await warehouse.query('SELECT id FROM orders_us'), [{ id: 2 }]);
  await run.stop();
});

test('new fields: add-columns widens the table, ignore loads the known fields, fail sends those records to failure', async () => {
  const warehouse = await inMemory();
  const put = (table: string, schemaEvolution: string) => runProcessor(putWarehouse).service('wh', warehouse).props({ warehouse: 'wh', table, schemaEvolution });

  const adding = await put('added', 'add-columns').enqueue([{ id: 1 }]).run();
  await adding.enqueue([{ id: 2, region: 'eu' }]).run();
  assert.deepEqual(await warehouse.query('SELECT * FROM added ORDER BY id'), [
    { id: 1, region: null },
    { id: 2, region: 'eu' },
  ]);

  const ignoring = await put('ignored', 'ignore').enqueue([{ id: 1 }]).run();
  await ignoring.enqueue([{ id: 2, region: 'eu' }]).run();
  assert.equal(ignoring.routed('success').length, 2);
  assert.deepEqual(await warehouse.query('SELECT * FROM ignored ORDER BY id'), [{ id: 1 }, { id: 2 }]);

  const failing = await put('strict', 'fail').enqueue([{ id: 1 }]).run();
  await failing.enqueue([{ id: 2, region: 'eu' }, { id: 3 }]).run();
  assert.deepEqual(failing.routed('success').map((r) => r.content), [{ id: 1 }, { id: 3 }]);
  assert.match(failing.routed('failure')[0].attributes['error.message'], /table "strict" has no column "region"/);
  assert.deepEqual(await warehouse.query('SELECT * FROM strict ORDER BY id'), [{ id: 1 }, { id: 3 }]);
  for (const run of [adding, ignoring, failing]) await run.stop();
});

test('an integer column widens when a later batch brings fractions in fields the table already has', async () => {
  const warehouse = await inMemory();
  // one region's whole dollar prices create the table; another region's converted prices follow
  const run = await runProcessor(putWarehouse).service('wh', warehouse).props({ warehouse: 'wh', table: 'sales' }).enqueue([{ id: 1, usd: 38 }]).run();
  await run.enqueue([{ id: 2, usd: 40.001 }, { id: 3, usd: 21 }]).run();
  assert.equal(run.routed('failure').length, 0, String(run.routed('failure')[0]?.attributes['error.message']));
  assert.deepEqual(await warehouse.query('SELECT id, usd FROM sales ORDER BY id'), [
    { id: 1, usd: 38 },
    { id: 2, usd: 40.001 },
    { id: 3, usd: 21 },
  ]);
  await run.stop();
});

test('a missing table with creation off rolls the batch back with a bulletin', async () => {
  const warehouse = await inMemory();
  const run = await runProcessor(putWarehouse)
    .service('wh', warehouse)
    .props({ warehouse: 'wh', table: 'absent', createTable: false })
    .enqueue([{ id: 1 }, { id: 2 }])
    .run();
  assert.equal(run.queued, 2, 'the records are back in the queue');
  assert.equal(run.status.errors, 1);
  assert.match(run.status.bulletins[0].message, /table "absent" does not exist and table creation is off/);
  await run.stop();
});

test('DuckDB file held by another program: the batch rolls back with a bulletin, then every record loads once', async () => {
  const file = path.join(folder, 'locked.duckdb');
  // another process opens the file first: DuckDB lets one process write a file at a time
  const holder = spawn(process.execPath, ['-e', `require('@duckdb/node-api').DuckDBInstance.create(${JSON.stringify(file)}).then((db) => { console.log('locked'); setInterval(() => db, 1000); })`, '--', 'x'], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  after(() => holder.kill());
  await once(holder.stdout!, 'data');

  const engine = new Engine({ processors: [generateRecords, putWarehouse, count], services: [duckdbWarehouse], statsIntervalMs: 100 });
  after(() => engine.shutdown());
  engine.load(
    flowGraph({
      id: 'duckdb-outage',
      services: [serviceConfig({ id: 'wh', type: 'DuckDBWarehouse', properties: { path: file } })],
      processors: [
        processorConfig({ id: 'gen', type: 'GenerateRecords', properties: { template: '{"n": $i}', rate: 0, limit: 500 } }),
        processorConfig({ id: 'put', type: 'PutWarehouse', properties: { warehouse: 'wh', table: 'numbers' }, autoTerminated: ['failure'] }),
        processorConfig({ id: 'count', type: 'Count' }),
      ],
      connections: [
        connectionConfig({ id: 'c1', sourceId: 'gen', relationship: 'success', targetId: 'put' }),
        connectionConfig({ id: 'c2', sourceId: 'put', relationship: 'success', targetId: 'count' }),
      ],
    }),
  );
  const started = await engine.start('duckdb-outage');
  assert.deepEqual([started.invalid, started.failed], [[], []]);
  const put = () => engine.stats('duckdb-outage').processors.put;
  await until(() => put().errors > 0);
  assert.match(put().bulletins[0].message, /Could not set lock on file/);
  assert.equal(put().out, 0);

  holder.kill();
  await once(holder, 'exit');
  await until(() => put().out === 500);
  const reader = await DuckDBWarehouse.open(file);
  assert.deepEqual(await reader.query('SELECT count(*) AS n, count(DISTINCT n) AS distinct_n FROM numbers'), [{ n: 500, distinct_n: 500 }]);
  await reader.close();
});

test('a stopped flow lets go of its DuckDB file: another program can open it, and a restart loads again', async () => {
  const file = path.join(folder, 'released.duckdb');
  const engine = new Engine({ processors: [generateRecords, putWarehouse], services: [duckdbWarehouse], statsIntervalMs: 100 });
  after(() => engine.shutdown());
  engine.load(
    flowGraph({
      id: 'duckdb-release',
      services: [serviceConfig({ id: 'wh', type: 'DuckDBWarehouse', properties: { path: file } })],
      processors: [
        processorConfig({ id: 'gen', type: 'GenerateRecords', properties: { template: '{"n": $i}', rate: 500, limit: 0 } }),
        processorConfig({ id: 'put', type: 'PutWarehouse', properties: { warehouse: 'wh', table: 'numbers' }, autoTerminated: ['success', 'failure'] }),
      ],
      connections: [connectionConfig({ id: 'c1', sourceId: 'gen', relationship: 'success', targetId: 'put' })],
    }),
  );
  await engine.start('duckdb-release');
  const put = () => engine.stats('duckdb-release').processors.put;
  // loaded = taken and committed (success is auto-terminated, so nothing counts as out)
  await until(() => put().in >= 100);
  // another process, as a person's SQL tool would be: DuckDB refuses it while Conflux holds the file
  const count = () =>
    new Promise<string>((resolve) => {
      const reader = spawn(process.execPath, ['-e', `require('@duckdb/node-api').DuckDBInstance.create(${JSON.stringify(file)}).then(async (db) => { const c = await db.connect(); const r = await c.runAndReadAll('SELECT count(*) AS n FROM numbers'); console.log(String(r.getRows()[0][0])); }, (e) => console.log('refused: ' + e.message))`], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      reader.stdout!.on('data', (chunk) => (out += chunk));
      reader.on('exit', () => resolve(out.trim()));
    });
  assert.match(await count(), /^refused: .*lock/i, 'held while the flow runs');
  await engine.stop('duckdb-release');
  const loaded = put().in;
  assert.equal(await count(), String(loaded), 'free once the flow stopped, with every loaded row');
  await engine.start('duckdb-release');
  await until(() => put().in > loaded + 100);
  await engine.stop('duckdb-release');
  assert.equal(await count(), String(put().in), 'reopened on the restart, and let go again');
});

test('PostgreSQL outage (connection cut): the batch rolls back with a bulletin, then loads when it is back', async () => {
  const settings = await testDatabase();
  const schema = `put_wh_test_${process.pid}`;
  const proxy = await TcpProxy.start(settings.host, settings.port);
  const warehouse = new PostgresWarehouse({ ...settings, port: proxy.port, schema, connectTimeoutMs: 2000 });
  after(async () => {
    await warehouse.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await warehouse.close();
    await proxy.close();
  });
  const run = await runProcessor(putWarehouse).service('pg', warehouse).props({ warehouse: 'pg', table: 'orders' }).enqueue([{ id: 1 }]).run();
  assert.equal(run.routed('success').length, 1);

  proxy.cut();
  await run.enqueue([{ id: 2 }, { id: 3 }]).run();
  assert.equal(run.queued, 2, 'nothing lost: the batch is back in the queue');
  assert.equal(run.status.errors, 1);
  assert.match(run.status.bulletins[0].message, /PostgreSQL load into "orders" failed/);

  proxy.restore();
  await run.run();
  assert.equal(run.routed('success').length, 3);
  assert.deepEqual(await warehouse.query(`SELECT id FROM ${schema}.orders ORDER BY id`), [{ id: 1 }, { id: 2 }, { id: 3 }]);
  await run.stop();
});

test('merge on a key: a re-delivered batch changes nothing, the last record of a key wins, a record without a key fails (DuckDB and PostgreSQL)', async () => {
  const settings = await testDatabase();
  const schema = `put_wh_merge_${process.pid}`;
  const postgres = new PostgresWarehouse({ ...settings, schema });
  after(async () => {
    await postgres.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await postgres.close();
  });
  for (const [name, warehouse, table] of [['DuckDB', await inMemory(), 'lines'], ['PostgreSQL', postgres, `${schema}.lines`]] as const) {
    const props = { warehouse: 'wh', table: 'lines', mode: 'merge' as const, keyColumns: 'region, line' };
    const batch = [
      { region: 'EU', line: 1, qty: 1 },
      { region: 'NA', line: 1, qty: 2 },
      { region: 'EU', line: 1, qty: 3 },
    ];
    const run = await runProcessor(putWarehouse).service('wh', warehouse).props(props).enqueue(batch).run();
    assert.equal(run.routed('success').length, 3, `${name}: all three loaded (one superseded in the batch)`);
    // the same batch again, as after a crash, plus a change and a record that names no key
    await run.enqueue([...batch, { region: 'NA', line: 1, qty: 20 }, { line: 9, qty: 0 }]).run();
    assert.equal(run.routed('success').length, 7);
    assert.match(run.routed('failure')[0].attributes['error.message'], /key column "region" has no value/);
    const rows = await warehouse.query(`SELECT region, line, qty FROM ${table} ORDER BY region`);
    assert.deepEqual(rows.map((r) => [r.region, Number(r.line), Number(r.qty)]), [['EU', 1, 3], ['NA', 1, 20]], `${name}: one row per key, the last value`);
    await run.stop();
  }

  const noKey = await runProcessor(putWarehouse).service('wh', await inMemory()).props({ warehouse: 'wh', table: 't', mode: 'merge', keyColumns: 'id' }).enqueue([{ n: 1 }]).run();
  assert.match(noKey.routed('failure')[0].attributes['error.message'], /no key column "id" to merge on/);
  const parsed = parseProperties(putWarehouseSpec as unknown as AnySpec, { warehouse: 'wh', table: 't', mode: 'merge' });
  assert.deepEqual(!parsed.ok && parsed.issues, [{ property: 'keyColumns', message: 'merge needs at least one key column' }]);
});
