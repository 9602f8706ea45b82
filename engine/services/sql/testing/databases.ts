import pg from 'pg';
import mysql from 'mysql2/promise';
import mysqlPool from '../mysql/runtime';
import postgresqlPool from '../postgresql/runtime';
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

/** Both servers, for tests that must hold for each: `for (const server of SERVERS) test(...)`. */
export const SERVERS = [
  { name: 'PostgreSQL', port: POSTGRES.port, open: openPostgres },
  { name: 'MariaDB', port: MARIADB.port, open: openMariadb },
] as const;

/** Run setup SQL (CREATE TABLE …, test data) statement by statement, without parameters. */
export async function execute(db: SqlDatabase, ...statements: string[]): Promise<void> {
  for (const sql of statements) await db.run({ sql, params: [] });
}
