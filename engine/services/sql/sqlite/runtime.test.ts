import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { parseProperties } from '../../../flow/validate';
import { SqlError } from '../errors';
import type { SqlDatabase } from '../types';
import sqlitePool from './runtime';
import { sqlitePoolSpec } from './spec';

const folder = mkdtempSync(path.join(tmpdir(), 'conflux-sqlite-pool-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const open = (file: string, busyTimeoutMs = 2_000): Promise<SqlDatabase> =>
  sqlitePool.create({ id: 'db', name: 'regional store', props: { path: path.join(folder, file), busyTimeoutMs } });
const sql = (db: SqlDatabase, text: string, params: unknown[] = []) => db.run({ sql: text, params });

test('a statement sent while a transaction is open runs after it, never inside it', async () => {
  const db = await open('turns.db');
  await sql(db, 'CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT)');
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const rolledBack = db.transaction(async (tx) => {
    await tx.run({ sql: 'INSERT INTO t VALUES (1, ?)', params: ['in the transaction'] });
    await held;
    throw new Error('the work failed');
  });
  const outside = sql(db, 'INSERT INTO t VALUES (2, ?)', ['outside']);
  release();
  await assert.rejects(rolledBack, /the work failed/);
  await outside;
  assert.deepEqual((await sql(db, 'SELECT id, note FROM t ORDER BY id')).rows, [{ id: 2, note: 'outside' }]);
  await db.close();
});

test('another program writing the file: a retryable error after the busy timeout, then it works', async () => {
  const db = await open('busy.db', 100);
  await sql(db, 'CREATE TABLE t (id INTEGER PRIMARY KEY)');
  const other = new Database(path.join(folder, 'busy.db'));
  other.exec('BEGIN IMMEDIATE');
  const refused = await sql(db, 'INSERT INTO t VALUES (1)').catch((error: unknown) => error);
  assert.ok(refused instanceof SqlError && refused.retryable, `a retryable SqlError, not ${String(refused)}`);
  assert.match(refused.message, /^SQLite busy\.db: database is locked/);
  other.exec('ROLLBACK');
  other.close();
  await sql(db, 'INSERT INTO t VALUES (1)');
  assert.equal((await sql(db, 'SELECT count(*) AS n FROM t')).rows[0].n, 1);
  await db.close();
});

test('values bind as SQLite takes them; big integers come back exact; a STRICT table refuses a wrong kind as an error of the record, not a retryable one', async () => {
  const db = await open('values.db');
  await sql(db, 'CREATE TABLE v (id INTEGER PRIMARY KEY, flag INTEGER, at TEXT, big INTEGER, price REAL) STRICT');
  await sql(db, 'INSERT INTO v VALUES (?, ?, ?, ?, ?)', [1, true, new Date(Date.UTC(2026, 3, 8, 21, 27, 38)), 9007199254740993n, 9.99]);
  assert.deepEqual((await sql(db, 'SELECT * FROM v')).rows, [{ id: 1, flag: 1, at: '2026-04-08T21:27:38.000Z', big: '9007199254740993', price: 9.99 }]);
  const wrong = await sql(db, 'INSERT INTO v (id, price) VALUES (2, ?)', ['many']).catch((error: unknown) => error);
  assert.ok(wrong instanceof SqlError && !wrong.retryable);
  assert.match(wrong.message, /cannot store TEXT value in REAL column v\.price/);
  const info = await db.describeTable('V');
  assert.deepEqual([info.table, info.primaryKey, info.columns.map((c) => `${c.name} ${c.type}`)], ['v', ['id'], ['id INTEGER', 'flag INTEGER', 'at TEXT', 'big INTEGER', 'price REAL']]);
  await assert.rejects(db.describeTable('missing'), /table "missing" does not exist in SQLite values\.db/);
  await db.close();
});

test('the database file must be inside the allowed file roots', () => {
  const outside = parseProperties(sqlitePoolSpec, { path: '/etc/conflux.db' });
  assert.equal(outside.ok, false);
  assert.match(outside.ok ? '' : outside.issues[0].message, /outside the allowed file roots/);
  assert.equal(parseProperties(sqlitePoolSpec, { path: path.join(folder, 'fine.db') }).ok, true);
});
