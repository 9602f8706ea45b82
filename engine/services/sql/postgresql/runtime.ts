import pg from 'pg';
import { implementService } from '../../../sdk';
import { postgresDialect } from '../dialect';
import { exactInteger } from '../json-safe';
import { openDatabase } from '../pool';
import { connectionOptions, poolLabel } from '../pool-properties';
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
    ...connectionOptions(props),
    max: props.maxConnections,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    options: '-c TimeZone=UTC',
    types: TYPES,
  });
  // An idle connection that drops is discarded by the pool; the next query reconnects or reports.
  pool.on('error', ignore);

  return openDatabase<pg.PoolClient, pg.QueryResult>({
    dialect: postgresDialect,
    label,
    error: postgresError,
    /**
     * A connection that drops between two statements emits 'error'; the next statement reports it,
     * the listener only keeps the process up.
     */
    async checkOut() {
      const client = await pool.connect();
      client.on('error', ignore);
      return client;
    },
    checkIn(client, broken) {
      client.off('error', ignore);
      client.release(broken);
    },
    run: (statement, client: pg.Pool | pg.PoolClient = pool) => client.query({ text: statement.sql, values: statement.params as unknown[] }),
    result: (result) => ({ rows: result.rows, returnsRows: result.fields.length > 0, affectedRows: result.rowCount ?? 0 }),
    control: (client, sql) => client.query(sql),
    begin: 'BEGIN',
    copy: copyRows,
    // the table as named, and as PostgreSQL folds it when it was written unquoted; table-info picks
    catalog: (table) => ({ sql: CATALOG_SQL, params: [postgresDialect.quote(table), postgresDialect.quote(table.toLowerCase())] }),
    close: () => pool.end(),
  });
});
