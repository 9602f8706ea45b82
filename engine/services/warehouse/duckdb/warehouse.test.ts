import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { inferSchema } from '../../../records/schema';
import type { Column } from '../types';
import { DuckDBWarehouse } from './warehouse';

const folder = mkdtempSync(path.join(tmpdir(), 'conflux-duckdb-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const policy = { create: true, addColumns: true };
const typesOf = (columns: readonly Column[]) => Object.fromEntries(columns.map((c) => [c.name, c.sqlType]));

test('a table is created from the record schema with DuckDB types, and rows read back as loaded', async () => {
  const warehouse = await DuckDBWarehouse.open(':memory:');
  const rows = [
    { id: 1, sku: 'PF-110', price: 39.5, paid: true, at: '2026-08-01T10:00:00.123456Z', tags: ['gift'], note: 'tab\there' },
    { id: 2, sku: 'PF-490', price: 12, paid: false, at: '2026-08-01 12:30', tags: { rush: true }, note: null },
  ];
  const columns = await warehouse.ensureTable('orders', inferSchema(rows), policy);
  assert.deepEqual(typesOf(columns), {
    id: 'BIGINT',
    sku: 'VARCHAR',
    price: 'DOUBLE',
    paid: 'BOOLEAN',
    at: 'TIMESTAMP WITH TIME ZONE',
    tags: 'JSON',
    note: 'VARCHAR',
  });
  assert.ok(columns.every((c) => c.nullable), 'created columns are nullable: later records may lack any field');
  const [result] = await warehouse.load([{ table: 'orders', columns, rows }]);
  assert.deepEqual(result, { loaded: 2, rejected: [] });
  assert.deepEqual(await warehouse.query('SELECT * FROM orders ORDER BY id'), [
    { id: 1, sku: 'PF-110', price: 39.5, paid: true, at: '2026-08-01T10:00:00.123456Z', tags: ['gift'], note: 'tab\there' },
    // a timestamp without a zone is UTC, whatever the server's zone
    { id: 2, sku: 'PF-490', price: 12, paid: false, at: '2026-08-01T12:30:00.000Z', tags: { rush: true }, note: null },
  ]);
  await warehouse.close();
});

test('new fields add nullable columns; existing columns keep their type and convert what they can', async () => {
  const warehouse = await DuckDBWarehouse.open(':memory:');
  const first = [{ id: 1, qty: 2 }];
  let columns = await warehouse.ensureTable('events', inferSchema(first), policy);
  await warehouse.load([{ table: 'events', columns, rows: first }]);

  const second = [{ id: 2, qty: '3', region: 'eu' }];
  columns = await warehouse.ensureTable('events', inferSchema(second), policy);
  assert.deepEqual(typesOf(columns), { id: 'BIGINT', qty: 'BIGINT', region: 'VARCHAR' }, 'qty stays BIGINT though "3" is a string');
  await warehouse.load([{ table: 'events', columns, rows: second }]);
  assert.deepEqual(await warehouse.query('SELECT * FROM events ORDER BY id'), [
    { id: 1, qty: 2, region: null },
    { id: 2, qty: 3, region: 'eu' },
  ]);

  const fixed = await warehouse.ensureTable('events', inferSchema([{ id: 3, channel: 'web' }]), { create: true, addColumns: false });
  assert.equal(fixed.length, 3, 'without addColumns the table is left as it is');
  await assert.rejects(warehouse.ensureTable('missing', inferSchema(first), { create: false, addColumns: true }), /table "missing" does not exist and table creation is off/);
  await warehouse.close();
});

test('an integer column widens to DOUBLE when fractions arrive (a table created from whole prices takes 9.99)', async () => {
  const warehouse = await DuckDBWarehouse.open(':memory:');
  const whole = [{ sku: 'PF-110', unit_price: 39 }];
  let columns = await warehouse.ensureTable('lines', inferSchema(whole), policy);
  assert.equal(typesOf(columns).unit_price, 'BIGINT');
  await warehouse.load([{ table: 'lines', columns, rows: whole }]);
  const cents = [{ sku: 'PF-490', unit_price: 9.99, at: '2026-04-08 21:27:38+00' }];
  columns = await warehouse.ensureTable('lines', inferSchema(cents), policy);
  assert.deepEqual(typesOf(columns), { sku: 'VARCHAR', unit_price: 'DOUBLE', at: 'TIMESTAMP WITH TIME ZONE' });
  const [result] = await warehouse.load([{ table: 'lines', columns, rows: cents }]);
  assert.deepEqual(result, { loaded: 1, rejected: [] });
  assert.deepEqual(await warehouse.query('SELECT sku, unit_price, "at" FROM lines ORDER BY sku'), [
    { sku: 'PF-110', unit_price: 39, at: null },
    { sku: 'PF-490', unit_price: 9.99, at: '2026-04-08T21:27:38.000Z' },
  ]);
  const fixed = await warehouse.ensureTable('lines', inferSchema([{ sku: 'x', unit_price: 1.5 }]), { create: true, addColumns: false });
  assert.equal(typesOf(fixed).unit_price, 'DOUBLE');
  await warehouse.close();
});

test('rows whose values do not fit their column are rejected with the column named; the rest load', async () => {
  const warehouse = await DuckDBWarehouse.open(':memory:');
  const columns = await warehouse.ensureTable('lines', inferSchema([{ n: 1, qty: 1, at: '2026-08-01T00:00:00Z' }]), policy);
  const rows = [
    { n: 1, qty: 5 },
    { n: 2, qty: 'abc' },
    { n: 3, qty: 1.5 },
    { n: 4, at: 'yesterday' },
    { n: 5, qty: 7, at: '2026-08-02T00:00:00Z' },
  ];
  const [result] = await warehouse.load([{ table: 'lines', columns, rows }]);
  assert.equal(result.loaded, 2);
  assert.deepEqual(result.rejected.map((r) => r.row), [1, 2, 3]);
  assert.match(result.rejected[0].reason, /table "lines": column "qty" \(BIGINT\) cannot hold "abc"/);
  assert.match(result.rejected[2].reason, /column "at" \(TIMESTAMP WITH TIME ZONE\) cannot hold "yesterday"/);
  assert.deepEqual(await warehouse.query('SELECT n FROM lines ORDER BY n'), [{ n: 1 }, { n: 5 }]);
  await warehouse.close();
});

test('rows span several data chunks; rejected rows leave no trace among the loaded ones', async () => {
  const warehouse = await DuckDBWarehouse.open(':memory:');
  // 5,000 rows: two full chunks of 2,048 and a short one; every 7th row is bad part-way through
  const rows = Array.from({ length: 5000 }, (_, n) => ({ n, label: `row ${n}`, qty: n % 7 === 3 ? 'bad' : n }));
  const columns = await warehouse.ensureTable('many', inferSchema([{ n: 0, label: '', qty: 0 }]), policy);
  const [result] = await warehouse.load([{ table: 'many', columns, rows }]);
  const good = rows.filter((r) => r.qty !== 'bad');
  assert.equal(result.loaded, good.length);
  assert.equal(result.rejected.length, rows.length - good.length);
  const [summary] = await warehouse.query("SELECT count(*) AS n, sum(n) AS total, count(*) FILTER (WHERE label <> 'row ' || n OR qty <> n) AS mismatched FROM many");
  assert.deepEqual(summary, { n: good.length, total: good.reduce((sum, r) => sum + r.n, 0), mismatched: 0 });
  await warehouse.close();
});

test('a narrower column than BIGINT rejects values out of its range instead of wrapping them', async () => {
  const warehouse = await DuckDBWarehouse.open(':memory:');
  await warehouse.query('CREATE TABLE counters (n INTEGER NOT NULL, label VARCHAR)');
  const columns = (await warehouse.describe('counters'))!;
  const [result] = await warehouse.load([{ table: 'counters', columns, rows: [{ n: 1 }, { n: 2 ** 31 }, { label: 'no n' }] }]);
  assert.equal(result.loaded, 1);
  assert.match(result.rejected[0].reason, /column "n" \(INTEGER\) cannot hold 2147483648/);
  assert.match(result.rejected[1].reason, /column "n" is NOT NULL/);
  await warehouse.close();
});

test('a load into several tables is one transaction: a failure leaves none of them loaded', async () => {
  const warehouse = await DuckDBWarehouse.open(':memory:');
  const rows = [{ id: 1 }];
  const a = await warehouse.ensureTable('a', inferSchema(rows), policy);
  const b = await warehouse.ensureTable('b', inferSchema(rows), policy);
  // b changes behind the warehouse's back: its load fails as a whole
  await warehouse.query('ALTER TABLE b ADD COLUMN extra VARCHAR');
  await assert.rejects(
    warehouse.load([
      { table: 'a', columns: a, rows },
      { table: 'b', columns: b, rows },
    ]),
    /DuckDB load into "a", "b" failed: table "b" changed while loading/,
  );
  assert.deepEqual(await warehouse.query('SELECT count(*) AS n FROM a'), [{ n: 0 }], 'the rows appended to a were rolled back');
  // the failed load forgot the cached columns: describing again sees the new one and loading works
  const fresh = (await warehouse.describe('b'))!;
  assert.equal(fresh.length, 2);
  await warehouse.load([{ table: 'b', columns: fresh, rows }]);
  assert.deepEqual(await warehouse.query('SELECT * FROM b'), [{ id: 1, extra: null }]);
  await warehouse.close();
});

test('loads in flight at the same time each run in their own transaction and all commit', async () => {
  const warehouse = await DuckDBWarehouse.open(':memory:');
  // batches racing to create the same table: DDL runs one at a time, so none fails on a catalog conflict
  const created = await Promise.all([0, 1, 2].map(() => warehouse.ensureTable('parallel', inferSchema([{ batch: 0, n: 0 }]), policy)));
  const columns = created[0];
  assert.ok(created.every((c) => c.length === 2));
  const batch = (b: number) => Array.from({ length: 3000 }, (_, n) => ({ batch: b, n }));
  const results = await Promise.all([0, 1, 2, 3].map((b) => warehouse.load([{ table: 'parallel', columns, rows: batch(b) }])));
  assert.deepEqual(results.map(([r]) => r.loaded), [3000, 3000, 3000, 3000]);
  assert.deepEqual(await warehouse.query('SELECT count(*) AS n, count(DISTINCT (batch, n)) AS distinct_rows FROM parallel'), [{ n: 12000, distinct_rows: 12000 }]);
  await warehouse.close();
});

test('two warehouses on the same file share one database; it stays open until both close', async () => {
  const file = path.join(folder, 'nested', 'shared.duckdb');
  const one = await DuckDBWarehouse.open(file);
  const two = await DuckDBWarehouse.open(file);
  const rows = [{ id: 1 }];
  const columns = await one.ensureTable('shared', inferSchema(rows), policy);
  await one.load([{ table: 'shared', columns, rows }]);
  await one.close();
  assert.deepEqual(await two.query('SELECT id FROM shared'), [{ id: 1 }]);
  await two.close();
  const reopened = await DuckDBWarehouse.open(file);
  assert.deepEqual(await reopened.query('SELECT id FROM shared'), [{ id: 1 }], 'the rows were committed to the file');
  await reopened.close();
});
