import mysql from 'mysql2/promise';
import { implementService } from '../../../sdk';
import { mysqlDialect } from '../dialect';
import { openDatabase } from '../pool';
import { connectionOptions, poolLabel } from '../pool-properties';
import type { Row } from '../types';
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
    ...connectionOptions(props),
    connectionLimit: props.maxConnections,
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

  return openDatabase<mysql.PoolConnection, mysql.QueryResult>({
    dialect: mysqlDialect,
    label,
    error: mysqlError,
    checkOut: () => pool.getConnection(),
    checkIn: (client, broken) => (broken ? client.destroy() : client.release()),
    async run(statement, client: Queryable = pool) {
      const [result] = await client.execute(statement.sql, statement.params as mysql.ExecuteValues[]).catch((error: { code?: string }) => {
        // the few statements the binary protocol cannot prepare go as text; the driver escapes the values
        if (error.code !== 'ER_UNSUPPORTED_PS') throw error;
        return client.query(statement.sql, statement.params as unknown[]);
      });
      return result;
    },
    result: (result) =>
      Array.isArray(result)
        ? { rows: result as Row[], returnsRows: true, affectedRows: 0 }
        : { rows: [], returnsRows: false, affectedRows: result.affectedRows ?? 0 },
    // as text: no parameters, and not all of them can be prepared
    control: (client, sql) => client.query(sql),
    begin: 'START TRANSACTION',
    catalog(table) {
      const dot = table.lastIndexOf('.');
      return { sql: CATALOG_SQL, params: [dot > 0 ? table.slice(0, dot) : null, table.slice(dot + 1)] };
    },
    close: () => pool.end(),
  });
});
