import pg from 'pg';
import { implementService } from '../../../sdk';
import { postgresDialect } from '../dialect';
import type { SqlError } from '../errors';
import { exactInteger, toJsonSafeRow } from '../json-safe';
import { poolLabel } from '../pool-properties';
import { tableInfoFrom, type CatalogRow } from '../table-info';
import { checkedOpen, savepointAttempts } from '../transactions';
import type { QueryResult, Row, SqlDatabase, SqlTransaction, Statement, TableInfo } from '../types';
import { copyRows } from './copy';
import { postgresError } from './errors';
import { postgresqlPoolSpec } from './spec';

const raw = (text: string) => text;
/** Text parsers that keep values exact and JSON-safe (see ../json-safe for the choices). */
const PARSERS = new Map<number, (text: string) => unknown>([
  [20, exactInteger], // int8
  [1082, raw], // date
  [1083, raw], // time
  [1114, raw], // timestamp
  [1184, raw], // timestamptz (the session is in UTC)
  [1266, raw], // timetz
  [1186, raw], // interval
]);
const TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    (format !== 'binary' && PARSERS.get(oid)) || pg.types.getTypeParser(oid, format ?? 'text'),
};

const CATALOG_SQL = `
  SELECT c.relname AS table_name, a.attname AS name, format_type(a.atttypid, NULL) AS type,
         t.typcategory = 'A' AS is_array, array_position(i.indkey::int2[], a.attnum) AS key_position
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
  WHERE c.oid IN (to_regclass($1), to_regclass($2))
  ORDER BY a.attnum`;

const ignore = () => undefined;

export default implementService(postgresqlPoolSpec, async ({ props }) => {
  const label = poolLabel(props);
  const pool = new pg.Pool({
    host: props.host,
    port: props.port,
    database: props.database,
    user: props.user,
    password: props.password || undefined,
    max: props.maxConnections,
    ssl: props.ssl ? { rejectUnauthorized: true } : undefined,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    options: '-c TimeZone=UTC',
    types: TYPES,
  });
  // An idle connection that drops is discarded by the pool; the next query reconnects or reports.
  pool.on('error', ignore);

  const fail = (error: unknown, statement?: Statement) => postgresError(error, label, statement);

  async function runOn(client: pg.Pool | pg.PoolClient, statement: Statement): Promise<QueryResult> {
    let result: pg.QueryResult;
    try {
      result = await client.query({ text: statement.sql, values: statement.params as unknown[] });
    } catch (error) {
      throw fail(error, statement);
    }
    const rows = result.rows as Row[];
    for (let i = 0; i < rows.length; i++) toJsonSafeRow(rows[i]);
    return { rows, returnsRows: result.fields.length > 0, affectedRows: result.rowCount ?? 0 };
  }

  async function copyOn(client: pg.PoolClient, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void> {
    try {
      await copyRows(client, table, columns, rows);
    } catch (error) {
      throw fail(error, { sql: 'COPY', params: [], table });
    }
  }

  /**
   * A pooled client of our own for more than one statement. A connection that drops between two
   * statements emits 'error'; the next statement reports it, the listener only keeps the process up.
   */
  async function checkOut(): Promise<pg.PoolClient> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw fail(error);
    }
    client.on('error', ignore);
    return client;
  }

  /** Back to the pool; destroyed instead when `broken` says its state is unknown. */
  function checkIn(client: pg.PoolClient, broken: Error | undefined): void {
    client.off('error', ignore);
    client.release(broken);
  }

  /** COPY on its own is one atomic statement: no BEGIN and COMMIT round trips needed. */
  async function bulkInsert(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void> {
    const client = await checkOut();
    let broken: Error | undefined;
    try {
      await copyOn(client, table, columns, rows);
    } catch (error) {
      if ((error as SqlError).retryable) broken = error as Error;
      throw error;
    } finally {
      checkIn(client, broken);
    }
  }

  async function transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const client = await checkOut();
    const tx: SqlTransaction = {
      run: (statement) => runOn(client, statement),
      attempt: savepointAttempts((sql) => runOn(client, { sql, params: [] })),
      bulkInsert: (table, columns, rows) => copyOn(client, table, columns, rows),
    };
    let broken: unknown;
    try {
      await runOn(client, { sql: 'BEGIN', params: [] });
      const result = await work(tx);
      await runOn(client, { sql: 'COMMIT', params: [] });
      return result;
    } catch (error) {
      broken = await client.query('ROLLBACK').then(ignore, (rollbackError: unknown) => rollbackError);
      throw error;
    } finally {
      // a connection whose rollback failed is in an unknown state: destroy it rather than reuse it
      checkIn(client, broken instanceof Error ? broken : undefined);
    }
  }

  async function describeTable(table: string): Promise<TableInfo> {
    const exact = postgresDialect.quote(table);
    const folded = postgresDialect.quote(table.toLowerCase());
    const { rows } = await runOn(pool, { sql: CATALOG_SQL, params: [exact, folded] });
    return tableInfoFrom(table, rows as unknown as CatalogRow[], `PostgreSQL ${label}`);
  }

  const database: SqlDatabase = {
    kind: 'sql',
    dialect: postgresDialect,
    label,
    run: (statement) => runOn(pool, statement),
    bulkInsert,
    transaction,
    describeTable,
    close: () => pool.end(),
  };
  return checkedOpen(database, () => pool.end());
});
