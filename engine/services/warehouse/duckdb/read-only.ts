import { StatementType, type DuckDBInstance } from '@duckdb/node-api';
import { readRows } from './results';

export interface ReadOnlyOptions {
  /** Rows returned at most; the answer says when there were more. */
  readonly limit: number;
  /** The query is interrupted after this long. */
  readonly timeoutMs: number;
}

export interface ReadOnlyResult {
  readonly columns: string[];
  readonly rows: unknown[][];
  readonly truncated: boolean;
  readonly ms: number;
}

/** Statement kinds that only read: a query, its plan, a DESCRIBE or SUMMARIZE (which DuckDB plans as a SELECT). */
const READING = new Set([StatementType.SELECT, StatementType.EXPLAIN]);

/** Why SQL may not run read-only (a message for the person who wrote it), or undefined. */
export class ReadOnlyRefusal extends Error {}

/**
 * One statement that only reads, on a connection of its own: anything else (a write, DDL, ATTACH,
 * COPY, SET, PRAGMA, more than one statement) is refused before it runs. Files and the network are
 * out of reach anyway (the instance's enable_external_access is off, databases.ts). Rows stream in
 * chunks and stop at the limit; a query past the time limit is interrupted. DuckDB's own message
 * comes back for bad SQL.
 */
export async function readOnlyQuery(instance: DuckDBInstance, sql: string, { limit, timeoutMs }: ReadOnlyOptions): Promise<ReadOnlyResult> {
  const started = Date.now();
  if (sql.trim() === '') throw new ReadOnlyRefusal('there is no statement to run');
  const connection = await instance.connect();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, timeoutMs);
  try {
    const statements = await connection.extractStatements(sql);
    if (statements.count === 0) throw new ReadOnlyRefusal('there is no statement to run');
    if (statements.count > 1) throw new ReadOnlyRefusal(`one statement at a time: this has ${statements.count}`);
    const prepared = await statements.prepare(0);
    if (!READING.has(prepared.statementType)) {
      throw new ReadOnlyRefusal(`the console only reads: a ${StatementType[prepared.statementType] ?? 'statement'} statement is not run (SELECT, WITH … SELECT, EXPLAIN, DESCRIBE and SUMMARIZE are)`);
    }
    const { columns, rows, truncated } = await readRows(await prepared.stream(), limit);
    return { columns, rows, truncated, ms: Date.now() - started };
  } catch (error) {
    if (timedOut) throw new ReadOnlyRefusal(`the query ran longer than ${timeoutMs / 1000} s and was stopped`);
    throw error;
  } finally {
    clearTimeout(timer);
    connection.closeSync();
  }
}
