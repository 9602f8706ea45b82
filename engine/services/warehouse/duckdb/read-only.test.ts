import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openDatabase } from './databases';
import { readOnlyQuery, ReadOnlyRefusal } from './read-only';

const db = await openDatabase(':memory:');
after(() => db.release());
const setup = await db.instance.connect();
await setup.run('CREATE TABLE sales AS SELECT range AS id, range % 4 AS region FROM range(1000)');
setup.closeSync();
const options = { limit: 100, timeoutMs: 2_000 };
const run = (sql: string, more = {}) => readOnlyQuery(db.instance, sql, { ...options, ...more });

test('a query reads rows as JSON values, at most the limit, and says when there were more', async () => {
  const all = await run('SELECT region, COUNT(*) AS n FROM sales GROUP BY region ORDER BY region');
  assert.deepEqual(all.columns, ['region', 'n']);
  assert.deepEqual(all.rows, [[0, 250], [1, 250], [2, 250], [3, 250]]);
  assert.equal(all.truncated, false);
  const some = await run('SELECT id FROM sales ORDER BY id', { limit: 10 });
  assert.equal(some.rows.length, 10);
  assert.equal(some.truncated, true);
  assert.equal((await run('DESCRIBE sales')).rows.length, 2);
});

test('writes, DDL, settings and more than one statement are refused before they run; the table is untouched', async () => {
  for (const sql of ['DELETE FROM sales', "UPDATE sales SET region = 9", 'DROP TABLE sales', 'CREATE TABLE x (a INT)', "SET threads = 1", "ATTACH ':memory:' AS other", 'SELECT 1; DELETE FROM sales', 'CHECKPOINT', '']) {
    await assert.rejects(run(sql), ReadOnlyRefusal, sql);
  }
  // refused by DuckDB itself while preparing: it would write a file
  await assert.rejects(run("COPY sales TO '/tmp/out.csv'"), /disabled by configuration/);
  assert.deepEqual((await run('SELECT COUNT(*) FROM sales')).rows, [[1000]]);
});

test('files and the network are out of reach from a query', async () => {
  await assert.rejects(run("SELECT * FROM read_csv('/etc/passwd')"), /disabled by configuration/);
  await assert.rejects(run("SELECT * FROM read_text('/etc/hostname')"), /disabled by configuration/);
});

test("a runaway query is stopped at the time limit; bad SQL gets DuckDB's own message", async () => {
  const started = Date.now();
  await assert.rejects(run('SELECT COUNT(*) FROM range(100000000000) a, range(10) b', { timeoutMs: 300 }), /longer than 0.3 s and was stopped/);
  assert.ok(Date.now() - started < 3_000, `stopped after ${Date.now() - started} ms`);
  await assert.rejects(run('SELEC 1'), /syntax error/);
  await assert.rejects(run('SELECT nope FROM sales'), /nope/);
});
