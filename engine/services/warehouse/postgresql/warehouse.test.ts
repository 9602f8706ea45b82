import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inferSchema } from '../../../records/schema';
import type { Column } from '../types';
import { TcpProxy, testDatabase } from './testing';
import { PostgresWarehouse } from './warehouse';

// a schema of this file's own, dropped at the end: test files run in parallel on the same database
const schema = `wh_test_${process.pid}`;
const policy = { create: true, addColumns: true };
const typesOf = (columns: readonly Column[]) => Object.fromEntries(columns.map((c) => [c.name, c.sqlType]));

let settings: Awaited<ReturnType<typeof testDatabase>>;
let warehouse: PostgresWarehouse;

before(async () => {
  settings = await testDatabase();
  warehouse = new PostgresWarehouse({ ...settings, schema });
});
after(async () => {
  await warehouse.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await warehouse.close();
});

test('a table is created from the record schema with PostgreSQL types; COPY keeps awkward text intact', async () => {
  const rows = [
    { id: 1, sku: 'PF-110', price: 39.5, paid: true, at: '2026-08-01T10:00:00.123456Z', tags: ['gift'], note: 'tab\there, new\nline, back\\slash, \\N, é' },
    { id: 2, sku: 'PF-490', price: 12, paid: false, at: '2026-08-01 12:30', tags: { rush: true }, note: null },
  ];
  const columns = await warehouse.ensureTable('orders', inferSchema(rows), policy);
  assert.deepEqual(typesOf(columns), {
    id: 'bigint',
    sku: 'text',
    price: 'double precision',
    paid: 'boolean',
    at: 'timestamp with time zone',
    tags: 'jsonb',
    note: 'text',
  });
  const [result] = await warehouse.load([{ table: 'orders', columns, rows }]);
  assert.deepEqual(result, { loaded: 2, rejected: [] });
  const read = await warehouse.query(`SELECT id, sku, price, paid, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS at, tags, note FROM ${schema}.orders ORDER BY id`);
  assert.deepEqual(read, [
    { id: 1, sku: 'PF-110', price: 39.5, paid: true, at: '2026-08-01 10:00:00.123456', tags: ['gift'], note: rows[0].note },
    { id: 2, sku: 'PF-490', price: 12, paid: false, at: '2026-08-01 12:30:00.000000', tags: { rush: true }, note: null },
  ]);
});

test('new fields add nullable columns; an integer column widens to double when fractions arrive; PostgreSQL timestamps with an hour-only zone load', async () => {
  const first = [{ id: 1, qty: 2 }];
  let columns = await warehouse.ensureTable('events', inferSchema(first), policy);
  await warehouse.load([{ table: 'events', columns, rows: first }]);
  const second = [{ id: 2, qty: 2.5, region: 'eu', at: '2026-04-08 21:27:38+00' }];
  columns = await warehouse.ensureTable('events', inferSchema(second), policy);
  assert.deepEqual(typesOf(columns), { id: 'bigint', qty: 'double precision', region: 'text', at: 'timestamp with time zone' });
  const [result] = await warehouse.load([{ table: 'events', columns, rows: [...second, { id: 3, qty: 4, region: 'us', at: '2026-04-08 23:27:38.5+02' }] }]);
  assert.deepEqual(result, { loaded: 2, rejected: [] });
  const read = await warehouse.query(`SELECT id, qty, region, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') AS at FROM ${schema}.events ORDER BY id`);
  assert.deepEqual(read, [
    { id: 1, qty: 2, region: null, at: null },
    { id: 2, qty: 2.5, region: 'eu', at: '2026-04-08 21:27:38.000' },
    { id: 3, qty: 4, region: 'us', at: '2026-04-08 21:27:38.500' },
  ]);
  // a column is never narrowed, nor changed to an unrelated type: a word in it is the record's failure
  columns = await warehouse.ensureTable('events', inferSchema([{ id: 4, qty: 'many' }]), policy);
  assert.equal(typesOf(columns).qty, 'double precision');
  const [words] = await warehouse.load([{ table: 'events', columns, rows: [{ id: 4, qty: 'many' }] }]);
  assert.match(words.rejected[0].reason, /column "qty" \(double precision\) cannot hold "many"/);
});

test('rows PostgreSQL itself refuses (range, constraint, duplicate key) are rejected by line; the rest load', async () => {
  await warehouse.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await warehouse.query(`CREATE TABLE ${schema}.items (id serial PRIMARY KEY, code int4 UNIQUE, qty int4 CHECK (qty > 0), day date)`);
  const columns = (await warehouse.describe('items'))!;
  const rows = [
    { code: 1, qty: 1, day: '2026-08-01' },
    { code: 2, qty: 2 ** 31 },
    { code: 3, qty: 0 },
    { code: 1, qty: 5 },
    { code: 4, qty: 1, day: 'not a day' },
    { code: 5, qty: 3 },
  ];
  const [result] = await warehouse.load([{ table: 'items', columns, rows }]);
  assert.equal(result.loaded, 2);
  const reasons = new Map(result.rejected.map((r) => [r.row, r.reason]));
  assert.deepEqual([...reasons.keys()].sort(), [1, 2, 3, 4]);
  assert.match(reasons.get(1)!, /out of range for type integer/);
  assert.match(reasons.get(2)!, /violates check constraint/);
  assert.match(reasons.get(3)!, /duplicate key value/);
  assert.match(reasons.get(4)!, /invalid input syntax for type date/);
  // id is not in any record: the serial default fills it
  assert.deepEqual(await warehouse.query(`SELECT id > 0 AS has_id, code FROM ${schema}.items ORDER BY code`), [
    { has_id: true, code: 1 },
    { has_id: true, code: 5 },
  ]);
});

test('a load into several tables is one transaction: a table failing as a whole leaves none loaded', async () => {
  const rows = [{ id: 1 }];
  const a = await warehouse.ensureTable('a', inferSchema(rows), policy);
  const b = await warehouse.ensureTable('b', inferSchema(rows), policy);
  await warehouse.query(`DROP TABLE ${schema}.b`);
  await assert.rejects(
    warehouse.load([
      { table: 'a', columns: a, rows },
      { table: 'b', columns: b, rows },
    ]),
    /PostgreSQL load into "a", "b" failed: relation ".*b" does not exist/,
  );
  assert.deepEqual(await warehouse.query(`SELECT count(*)::int AS n FROM ${schema}.a`), [{ n: 0 }]);
  assert.equal(await warehouse.describe('b'), undefined, 'the failed load forgot the cached columns');
});

test('an outage fails the load with nothing loaded; after it the same load succeeds', async () => {
  const proxy = await TcpProxy.start(settings.host, settings.port);
  const behindProxy = new PostgresWarehouse({ ...settings, port: proxy.port, schema, connectTimeoutMs: 2000 });
  try {
    const rows = [{ id: 1 }, { id: 2 }];
    const columns = await behindProxy.ensureTable('outage', inferSchema(rows), policy);
    proxy.cut();
    await assert.rejects(behindProxy.load([{ table: 'outage', columns, rows }]), /PostgreSQL load into "outage" failed/);
    proxy.restore();
    const [result] = await behindProxy.load([{ table: 'outage', columns, rows }]);
    assert.equal(result.loaded, 2);
    assert.deepEqual(await warehouse.query(`SELECT count(*)::int AS n FROM ${schema}.outage`), [{ n: 2 }]);
  } finally {
    await behindProxy.close();
    await proxy.close();
  }
});

test('a merge replaces rows by key through an index on the keys, made the first time a table is merged into; the DELETE probes it', async () => {
  const rows = Array.from({ length: 20_000 }, (_, i) => ({ region: i % 2 ? 'asia' : 'europe', line_id: i, qty: 1 }));
  const columns = await warehouse.ensureTable('lines', inferSchema(rows), policy);
  const keys = ['region', 'line_id'];
  await warehouse.load([{ table: 'lines', columns, rows, keys }]);
  await warehouse.load([{ table: 'lines', columns, rows: rows.slice(0, 10).map((r) => ({ ...r, qty: 5 })), keys }]);
  assert.deepEqual(await warehouse.query(`SELECT COUNT(*)::int AS n, SUM(qty)::int AS units FROM ${schema}.lines`), [{ n: 20_000, units: 20_040 }]);
  const [index] = await warehouse.query(`SELECT indexdef FROM pg_indexes WHERE schemaname = '${schema}' AND tablename = 'lines'`);
  assert.match(String(index?.indexdef), /\(region, line_id\)/);
  // with statistics (the staged keys': the load ANALYZEs them), the planner probes the index for a
  // few keys rather than scanning the table (for a batch of 10,000, once the table is large)
  await warehouse.query(`CREATE TABLE ${schema}.staged AS SELECT * FROM ${schema}.lines LIMIT 10`);
  await warehouse.query(`ANALYZE ${schema}.staged`);
  await warehouse.query(`ANALYZE ${schema}.lines`);
  const plan = await warehouse.query(`EXPLAIN DELETE FROM ${schema}.lines t USING ${schema}.staged s WHERE t.region = s.region AND t.line_id = s.line_id`);
  assert.match(plan.map((r) => r['QUERY PLAN']).join('\n'), /Index (Only )?Scan/);
});
