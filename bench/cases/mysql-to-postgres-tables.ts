/**
 * The tables of the MySQL → PostgreSQL benchmark, shared by the Conflux case and its baseline: a
 * source table of N orders in MariaDB (made once per N with the Sequence engine, kept between runs)
 * and an empty target table in PostgreSQL (re-created for every run), in `conflux_bench` databases.
 * The Kafka → PostgreSQL case writes into a target table of the same shape (recreateTarget).
 */
import mysql from 'mysql2/promise';
import pg from 'pg';

export const BENCH_DATABASE = 'conflux_bench';
export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', database: BENCH_DATABASE };
export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres', database: BENCH_DATABASE };
export const TARGET = 'orders_copy';
export const COLUMNS = ['id', 'region', 'sku', 'qty', 'price', 'ordered_at'] as const;

export const sourceTable = (rows: number) => `orders_${rows}`;

/** Create both databases and the N-row source table if missing; (re)create the empty target. */
export async function prepareTables(rows: number): Promise<void> {
  const root = await mysql.createConnection({ ...MARIADB, database: undefined });
  try {
    await root.query(`CREATE DATABASE IF NOT EXISTS ${BENCH_DATABASE}`);
    await root.query(`USE ${BENCH_DATABASE}`);
    const source = sourceTable(rows);
    const [existing] = await root.query(`SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`, [BENCH_DATABASE, source]);
    if ((existing as unknown[]).length === 0) {
      process.stderr.write(`creating ${source} in MariaDB …\n`);
      await root.query(`CREATE TABLE ${source} (
        id INT PRIMARY KEY, region VARCHAR(8) NOT NULL, sku VARCHAR(20) NOT NULL, qty INT NOT NULL,
        price DECIMAL(10,2) NOT NULL, ordered_at DATETIME(6) NOT NULL)`);
      await root.query(`INSERT INTO ${source}
        SELECT seq, ELT(1 + seq % 4, 'EU', 'NA', 'APAC', 'AF'), CONCAT('PF-', 100 + seq % 400), 1 + seq % 5,
               10 + (seq % 9000) / 100, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND
        FROM seq_1_to_${rows}`);
    }
  } finally {
    await root.end();
  }
  await recreateTarget(TARGET);
}

/** Create the PostgreSQL bench database if missing, and `table` empty (the orders' columns). */
export async function recreateTarget(table: string): Promise<void> {
  const admin = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [BENCH_DATABASE]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${BENCH_DATABASE}`);
  } finally {
    await admin.end();
  }
  const target = new pg.Client(POSTGRES);
  await target.connect();
  try {
    await target.query(`DROP TABLE IF EXISTS ${table}`);
    await target.query(`CREATE TABLE ${table} (
      id INT PRIMARY KEY, region VARCHAR(8) NOT NULL, sku VARCHAR(20) NOT NULL, qty INT NOT NULL,
      price NUMERIC(10,2) NOT NULL, ordered_at TIMESTAMP(6) NOT NULL)`);
  } finally {
    await target.end();
  }
}

/** The copy is complete and faithful: same count, same sums, same last timestamp as the source. */
export async function verifyCopy(rows: number): Promise<void> {
  const summary = 'COUNT(*) AS n, SUM(qty) AS qty, SUM(price) AS price, MAX(ordered_at) AS last';
  const source = await mysql.createConnection({ ...MARIADB, dateStrings: true });
  const [[expected]] = (await source.query(`SELECT ${summary} FROM ${sourceTable(rows)}`)) as unknown as [Record<string, unknown>[]];
  await source.end();
  const target = new pg.Client(POSTGRES);
  await target.connect();
  const { rows: [actual] } = await target.query(`SELECT ${summary.replace('MAX(ordered_at)', "to_char(MAX(ordered_at), 'YYYY-MM-DD HH24:MI:SS')")} FROM ${TARGET}`);
  await target.end();
  const same = Number(expected.n) === Number(actual.n) && Number(expected.qty) === Number(actual.qty) && String(expected.price) === String(actual.price) && String(expected.last).slice(0, 19) === actual.last;
  if (!same || Number(actual.n) !== rows) throw new Error(`the copy differs from the source: ${JSON.stringify({ expected, actual })}`);
}
