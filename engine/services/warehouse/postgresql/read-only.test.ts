import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import pg from 'pg';
import { ReadOnlyRefusal } from '../duckdb/read-only';
import { readOnlyQueryPostgres } from './read-only';
import { testDatabase } from './testing';

const target = await testDatabase();
const options = { limit: 100, timeoutMs: 2_000 };
const run = (sql: string, more = {}) => readOnlyQueryPostgres(target, sql, { ...options, ...more });
const count = async () => (await run('SELECT COUNT(*)::int AS n FROM console_sales')).rows[0][0];

before(async () => {
  const client = new pg.Client(target);
  await client.connect();
  await client.query('DROP TABLE IF EXISTS console_sales');
  await client.query(`CREATE TABLE console_sales AS SELECT g AS id, g % 4 AS region, TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '1 hour' AS at FROM generate_series(1, 1000) g`);
  await client.end();
});

test('a query reads rows, at most the limit, and says when there were more; timestamps read as PostgreSQL writes them, in UTC', async () => {
  const all = await run('SELECT region, COUNT(*)::int AS n FROM console_sales GROUP BY region ORDER BY region;');
  assert.deepEqual(all.columns, ['region', 'n']);
  assert.deepEqual(all.rows, [[0, 250], [1, 250], [2, 250], [3, 250]]);
  assert.equal(all.truncated, false);
  const some = await run('WITH t AS (SELECT id, at FROM console_sales) SELECT * FROM t ORDER BY id', { limit: 10 });
  assert.equal(some.rows.length, 10);
  assert.equal(some.truncated, true);
  assert.deepEqual(some.rows[0], [1, '2026-01-01 01:00:00+00']);
  assert.ok((await run('EXPLAIN SELECT * FROM console_sales')).rows.length > 0);
});

test('writes, DDL, settings and more than one statement are refused; writes hidden behind a reading word are stopped by PostgreSQL; the table is untouched', async () => {
  for (const sql of ['DELETE FROM console_sales', 'UPDATE console_sales SET region = 9', 'DROP TABLE console_sales', 'CREATE TABLE x (a int)', 'SET work_mem = 1', "COPY console_sales TO '/tmp/out.csv'", 'SELECT 1; DELETE FROM console_sales', 'VACUUM', '', '-- only a comment']) {
    await assert.rejects(run(sql), ReadOnlyRefusal, sql);
  }
  await assert.rejects(run('WITH gone AS (DELETE FROM console_sales RETURNING id) SELECT COUNT(*) FROM gone'), /data-modifying statement|read-only transaction/);
  // EXPLAIN ANALYZE runs its statement: the READ ONLY transaction refuses the write
  await assert.rejects(run('EXPLAIN ANALYZE DELETE FROM console_sales'), /read-only transaction/);
  await assert.rejects(run('SELECT * FROM console_sales FOR UPDATE'), /read-only transaction/);
  // a semicolon inside a string or a comment is not a second statement
  assert.deepEqual((await run("SELECT 'a;b' AS s -- ; DELETE")).rows, [['a;b']]);
  assert.equal(await count(), 1000);
});

test('functions that reach files, other servers or other sessions are refused by name, also in another case', async () => {
  for (const sql of ["SELECT pg_read_file('/etc/passwd')", "SELECT PG_LS_DIR('.')", "select lo_import('/etc/hostname')", "SELECT pg_terminate_backend(1)", "SELECT set_config('statement_timeout', '0', false)"]) {
    await assert.rejects(run(sql), /does not reach files, other servers or sessions/, sql);
  }
  // the name inside a string literal is only text
  assert.deepEqual((await run("SELECT 'pg_read_file(x)' AS s")).rows, [['pg_read_file(x)']]);
});

test("a runaway query is stopped at the time limit; bad SQL gets PostgreSQL's own message", async () => {
  const started = Date.now();
  await assert.rejects(run('SELECT pg_sleep(5)', { timeoutMs: 300 }), /longer than 0.3 s and was stopped/);
  assert.ok(Date.now() - started < 3_000, `stopped after ${Date.now() - started} ms`);
  await assert.rejects(run('SELECT nope FROM console_sales'), /column "nope" does not exist/);
});
