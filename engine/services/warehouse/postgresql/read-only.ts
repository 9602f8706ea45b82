import pg from 'pg';
import { ReadOnlyRefusal, type ReadOnlyOptions, type ReadOnlyResult } from '../duckdb/read-only';

/** How to reach the warehouse database (the service's properties, password in clear: server side only). */
export interface PostgresTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password?: string;
}

/** Statements that only read, by their first word. EXPLAIN ANALYZE runs its statement: the READ ONLY transaction stops a write. */
const READING = /^(select|with|values|table|explain)\b/i;

/**
 * Server functions that reach files, other servers or other sessions. A READ ONLY transaction stops
 * writes, not these (a superuser may read any file with pg_read_file), so they are refused by name.
 */
const OUT_OF_REACH = /\b(pg_read_file|pg_read_binary_file|pg_ls_\w+|pg_stat_file|pg_file_\w+|lo_\w+|dblink\w*|pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_promote|pg_logdir_ls|set_config|pg_advisory\w*|pg_notify)\s*\(/i;

/** The SQL with comments and the insides of literals and quoted names blanked: what is left is what runs. */
function codeOf(sql: string): string {
  return sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\w*)\$[\s\S]*?\$\1\$/g, (m) => (m.startsWith('"') ? '"x"' : m.startsWith("'") ? "''" : ' '));
}

/** Timestamps and dates as PostgreSQL writes them (the session is in UTC), as the DuckDB console shows them. */
const AS_TEXT = new Set([1082, 1083, 1114, 1184, 1266, 1186]);
const INT8 = 20;
/** A bigint as a number where exact (COUNT(*), ids), as text beyond 2^53: as the DuckDB console gives it. */
const int8 = (text: string) => (Number.isSafeInteger(Number(text)) ? Number(text) : text);
const TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    format === 'binary' ? pg.types.getTypeParser(oid, format) : oid === INT8 ? int8 : AS_TEXT.has(oid) ? (text: string) => text : pg.types.getTypeParser(oid, 'text'),
};

/** How a reader of the warehouse connects: the session in UTC, values as the DuckDB console gives them. */
export const readingSettings = (target: PostgresTarget) => ({ ...target, password: target.password || undefined, connectionTimeoutMillis: 10_000, options: '-c TimeZone=UTC', types: TYPES });

/**
 * The SQL console over a PostgreSQL warehouse, with the DuckDB console's rules: one statement that
 * only reads, in a READ ONLY transaction (a write, DDL or COPY fails there, whatever the text hides),
 * functions that reach files, the network or other sessions refused, rows up to the limit, stopped
 * by the server after the time limit (statement_timeout). PostgreSQL's own message comes back for bad SQL.
 */
export async function readOnlyQueryPostgres(target: PostgresTarget, sql: string, { limit, timeoutMs }: ReadOnlyOptions): Promise<ReadOnlyResult> {
  const started = Date.now();
  const code = codeOf(sql).trim().replace(/;\s*$/, '');
  if (code === '') throw new ReadOnlyRefusal('there is no statement to run');
  if (code.includes(';')) throw new ReadOnlyRefusal('one statement at a time: this has more than one');
  if (!READING.test(code)) throw new ReadOnlyRefusal(`the console only reads: a ${code.split(/\s/)[0].toUpperCase()} statement is not run (SELECT, WITH … SELECT, VALUES, TABLE and EXPLAIN are)`);
  const reach = OUT_OF_REACH.exec(code);
  if (reach) throw new ReadOnlyRefusal(`the console does not reach files, other servers or sessions: ${reach[1]}() is not run`);
  const text = sql.trim().replace(/;\s*$/, '');
  // a query is read through an outer LIMIT (one row more tells that there were more); a plan is short
  const bounded = /^explain\b/i.test(code) ? text : `SELECT * FROM (\n${text}\n) AS console_query LIMIT ${limit + 1}`;
  const client = new pg.Client(readingSettings(target));
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(`BEGIN READ ONLY`);
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
    const result = await client.query({ text: bounded, rowMode: 'array' }).catch((error: { code?: string; message: string }) => {
      if (error.code === '57014') throw new ReadOnlyRefusal(`the query ran longer than ${timeoutMs / 1000} s and was stopped`);
      throw error;
    });
    const rows = (result.rows as unknown[][]).slice(0, limit);
    return { columns: result.fields.map((f) => f.name), rows, truncated: result.rows.length > limit, ms: Date.now() - started };
  } finally {
    // nothing was written; ending the session ends the transaction
    await client.end().catch(() => undefined);
  }
}
