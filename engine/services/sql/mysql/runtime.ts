import mysql from 'mysql2/promise';
import { implementService } from '../../../sdk';
import { mysqlDialect } from '../dialect';
import { toJsonSafeRow } from '../json-safe';
import { poolLabel } from '../pool-properties';
import { tableInfoFrom, type CatalogRow } from '../table-info';
import { checkedOpen, savepointAttempts } from '../transactions';
import type { QueryResult, Row, SqlDatabase, SqlTransaction, Statement, TableInfo } from '../types';
import { mysqlError } from './errors';
import { mysqlPoolSpec } from './spec';

/** Both the table as named and, ignoring case, as the server may spell it; table-info picks. */
const CATALOG_SQL = `
  SELECT c.TABLE_NAME AS table_name, c.COLUMN_NAME AS name, c.COLUMN_TYPE AS type, 0 AS is_array,
         k.ORDINAL_POSITION AS key_position
  FROM information_schema.COLUMNS c
  LEFT JOIN information_schema.KEY_COLUMN_USAGE k
    ON k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME AND k.COLUMN_NAME = c.COLUMN_NAME
   AND k.CONSTRAINT_NAME = 'PRIMARY'
  WHERE c.TABLE_SCHEMA = COALESCE(?, DATABASE()) AND LOWER(c.TABLE_NAME) = LOWER(?)
  ORDER BY c.ORDINAL_POSITION`;

type Queryable = Pick<mysql.Pool, 'execute' | 'query'>;

const ignore = () => undefined;

export default implementService(mysqlPoolSpec, async ({ props }) => {
  const label = poolLabel(props);
  const pool = mysql.createPool({
    host: props.host,
    port: props.port,
    database: props.database,
    user: props.user,
    password: props.password || undefined,
    connectionLimit: props.maxConnections,
    ssl: props.ssl ? { rejectUnauthorized: true } : undefined,
    connectTimeout: 10_000,
    enableKeepAlive: true,
    // JSON-safe values straight from the driver (see ../json-safe): exact big integers and decimals
    // as strings, dates as the server's text
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: false,
    dateStrings: true,
    // every statement text is prepared once per connection; keep the server's global budget safe
    maxPreparedStatements: 64,
  });
  // TIMESTAMP columns read (and compare) in UTC, whatever the server's zone
  pool.pool.on('connection', (connection) => connection.query("SET time_zone = '+00:00'", ignore));

  const fail = (error: unknown, statement?: Statement) => mysqlError(error, label, statement);

  async function runOn(client: Queryable, statement: Statement): Promise<QueryResult> {
    let result: unknown;
    try {
      [result] = await client.execute(statement.sql, statement.params as mysql.ExecuteValues[]);
    } catch (error) {
      // the few statements the binary protocol cannot prepare go as text; the driver escapes the values
      if ((error as { code?: string }).code !== 'ER_UNSUPPORTED_PS') throw fail(error, statement);
      try {
        [result] = await client.query(statement.sql, statement.params as unknown[]);
      } catch (textError) {
        throw fail(textError, statement);
      }
    }
    if (!Array.isArray(result)) return { rows: [], returnsRows: false, affectedRows: (result as { affectedRows?: number }).affectedRows ?? 0 };
    const rows = result as Row[];
    for (let i = 0; i < rows.length; i++) toJsonSafeRow(rows[i]);
    return { rows, returnsRows: true, affectedRows: 0 };
  }

  /** Transaction control statements: no parameters, and not all of them can be prepared. */
  async function control(client: mysql.PoolConnection, sql: string): Promise<void> {
    try {
      await client.query(sql);
    } catch (error) {
      throw fail(error);
    }
  }

  async function transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    let client: mysql.PoolConnection;
    try {
      client = await pool.getConnection();
    } catch (error) {
      throw fail(error);
    }
    const tx: SqlTransaction = {
      run: (statement) => runOn(client, statement),
      attempt: savepointAttempts((sql) => control(client, sql)),
    };
    let broken = false;
    try {
      await control(client, 'START TRANSACTION');
      const result = await work(tx);
      await control(client, 'COMMIT');
      return result;
    } catch (error) {
      broken = await client.query('ROLLBACK').then(
        () => false,
        () => true,
      );
      throw error;
    } finally {
      // a connection whose rollback failed is in an unknown state: destroy it rather than reuse it
      if (broken) client.destroy();
      else client.release();
    }
  }

  async function describeTable(table: string): Promise<TableInfo> {
    const dot = table.lastIndexOf('.');
    const schema = dot > 0 ? table.slice(0, dot) : null;
    const { rows } = await runOn(pool, { sql: CATALOG_SQL, params: [schema, table.slice(dot + 1)] });
    return tableInfoFrom(table, rows as unknown as CatalogRow[], `MySQL ${label}`);
  }

  const database: SqlDatabase = {
    kind: 'sql',
    dialect: mysqlDialect,
    label,
    run: (statement) => runOn(pool, statement),
    transaction,
    describeTable,
    close: () => pool.end(),
  };
  return checkedOpen(database, () => pool.end());
});
