import pg from 'pg';
import mysql from 'mysql2/promise';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysqlPool from '../mysql/runtime';
import postgresqlPool from '../postgresql/runtime';
import sqlitePool from '../sqlite/runtime';
import type { PoolProperties } from '../pool-properties';
import type { SqlDatabase } from '../types';

/**
 * The real databases the SQL tests run against (PostgreSQL 15 and MariaDB 10.11 on this machine), in
 * a database of their own. Test files use their own tables in it, since they run in parallel.
 */
export const TEST_DATABASE = 'conflux_sql_test';

export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres', password: '' };
export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

let created: Promise<void> | undefined;

/** Create the test database in both servers once per process (and tolerate a parallel creator). */
export function ensureTestDatabases(): Promise<void> {
  created ??= (async () => {
    const admin = new pg.Client({ ...POSTGRES, database: 'postgres' });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEST_DATABASE]);
      // 42P04 duplicate_database, 23505: another test file created it at the same moment
      if (!rowCount) await admin.query(`CREATE DATABASE ${TEST_DATABASE}`).catch((e) => ['42P04', '23505'].includes(e.code) || Promise.reject(e));
    } finally {
      await admin.end();
    }
    const root = await mysql.createConnection({ ...MARIADB });
    try {
      await root.query(`CREATE DATABASE IF NOT EXISTS ${TEST_DATABASE}`);
    } finally {
      await root.end();
    }
  })();
  return created;
}

type Overrides = Partial<PoolProperties>;

const props = (server: typeof POSTGRES, overrides: Overrides): PoolProperties => ({
  ...server,
  database: TEST_DATABASE,
  maxConnections: 4,
  ssl: false,
  ...overrides,
});

export async function openPostgres(overrides: Overrides = {}): Promise<SqlDatabase> {
  await ensureTestDatabases();
  return postgresqlPool.create({ id: 'pg', name: 'test PostgreSQL', props: props(POSTGRES, overrides) });
}

export async function openMariadb(overrides: Overrides = {}): Promise<SqlDatabase> {
  await ensureTestDatabases();
  return mysqlPool.create({ id: 'mariadb', name: 'test MariaDB', props: props(MARIADB, overrides) });
}

/** An embedded SQLite file of this test process's own (in the temp directory, an allowed file root). */
let sqliteFile: string | undefined;
export function openSqlite(): Promise<SqlDatabase> {
  sqliteFile ??= path.join(mkdtempSync(path.join(tmpdir(), 'conflux-sqlite-')), `${TEST_DATABASE}.db`);
  return sqlitePool.create({ id: 'sqlite', name: 'test SQLite', props: { path: sqliteFile, busyTimeoutMs: 2_000 } });
}

/**
 * Every database the SQL processors support, for tests that must hold for each:
 * `for (const server of SERVERS) test(...)`. SQLite has no port: tests that cut a connection skip it.
 */
export const SERVERS = [
  { name: 'PostgreSQL', type: 'postgresql', port: POSTGRES.port, typed: true, open: openPostgres },
  { name: 'MariaDB', type: 'mysql', port: MARIADB.port, typed: true, open: openMariadb },
  // typed: false, SQLite keeps a value of another kind in a column (type affinity) unless the table is STRICT
  { name: 'SQLite', type: 'sqlite', port: 0, typed: false, open: openSqlite },
] as const;

/** Run setup SQL (CREATE TABLE …, test data) statement by statement, without parameters. */
export async function execute(db: SqlDatabase, ...statements: string[]): Promise<void> {
  for (const sql of statements) await db.run({ sql, params: [] });
}
