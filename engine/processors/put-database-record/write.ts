import type { Dialect } from '../../services/sql/dialect';
import { isStatementError } from '../../services/sql/errors';
import { insertStatement, maxRowsPerStatement, updateStatement } from '../../services/sql/statements';
import type { SqlDatabase, SqlTransaction, Statement } from '../../services/sql/types';
import type { Row, Target } from './target';

/**
 * Consecutive rows that can share a statement: same columns, at most `size` rows (and within the
 * parameter limit), and no key twice (PostgreSQL refuses to upsert a row twice in one statement;
 * starting a new statement keeps "the later record wins").
 */
export function chunksOf(rows: readonly Row[], size: number, dialect: Dialect): Row[][] {
  const chunks: Row[][] = [];
  let chunk: Row[] = [];
  let keys = new Set<string>();
  let limit = 0;
  for (const row of rows) {
    const fits = chunk.length > 0 && chunk.length < limit && row.shape === chunk[0].shape && !(row.key !== undefined && keys.has(row.key));
    if (!fits) {
      if (chunk.length > 0) chunks.push(chunk);
      chunk = [];
      keys = new Set();
      limit = Math.min(size, maxRowsPerStatement(dialect, row.columns.length));
    }
    chunk.push(row);
    if (row.key !== undefined) keys.add(row.key);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

export function statementFor(target: Target, dialect: Dialect, rows: readonly Row[]): Statement {
  const { columns } = rows[0];
  if (target.mode !== 'update') {
    const keys = target.mode === 'upsert' ? target.keyColumns : undefined;
    return insertStatement(dialect, target.table, columns, rows.map((r) => r.values), keys);
  }
  const keys = new Set(target.keyColumns);
  const setColumns = columns.filter((c) => !keys.has(c));
  const order = [...target.keyColumns, ...setColumns].map((c) => columns.indexOf(c));
  const values = rows.map((r) => order.map((i) => r.values[i]));
  return updateStatement(dialect, target.table, target.keyColumns, setColumns, values, target.types);
}

/**
 * Write a batch's rows; returns the records the database refused (batch index → its message).
 * First optimistically, as if every row were good: plain inserts by the bulk path (PostgreSQL COPY,
 * on its own a single atomic round trip), otherwise multi-row statements in one transaction. If the
 * database refuses some row, that transaction is gone (PostgreSQL aborts it), so the batch is
 * written again in a transaction that isolates the bad rows (see writeIsolated).
 */
export async function writeBatch(db: SqlDatabase, target: Target, rows: readonly Row[], statementRows: number): Promise<Map<number, string>> {
  const runs = runsOfSameShape(rows);
  const statement = (chunk: readonly Row[]) => statementFor(target, db.dialect, chunk);
  const { bulk } = target;
  try {
    if (bulk && db.bulkInsert && runs.length === 1) {
      await db.bulkInsert(target.table, runs[0][0].columns, runs[0].map((r) => r.values));
    } else {
      await db.transaction(async (tx) => {
        for (const run of runs) {
          if (bulk && tx.bulkInsert) await tx.bulkInsert(target.table, run[0].columns, run.map((r) => r.values));
          else for (const chunk of chunksOf(run, statementRows, db.dialect)) await tx.run(statement(chunk));
        }
      });
    }
    return new Map();
  } catch (error) {
    if (!isStatementError(error)) throw error;
  }
  const failures = new Map<number, string>();
  await db.transaction((tx) => writeIsolated(tx, target, runs, statementRows, db.dialect, failures));
  return failures;
}

/**
 * Write runs of rows under savepoints, so that a refused step is undone alone: each run by the bulk
 * path if it may, and if that fails as multi-row statements that are halved until the bad rows
 * stand alone (see bisect).
 */
async function writeIsolated(tx: SqlTransaction, target: Target, runs: readonly Row[][], statementRows: number, dialect: Dialect, failures: Map<number, string>): Promise<void> {
  const statement = (chunk: readonly Row[]) => statementFor(target, dialect, chunk);
  const bulkInsert = target.bulk ? tx.bulkInsert : undefined;
  for (const run of runs) {
    if (bulkInsert) {
      try {
        await tx.attempt(() => bulkInsert(target.table, run[0].columns, run.map((r) => r.values)));
        continue;
      } catch (error) {
        if (!isStatementError(error)) throw error;
      }
    }
    for (const chunk of chunksOf(run, statementRows, dialect)) await bisect(tx, chunk, statement, failures);
  }
}

/** Consecutive rows with the same columns. */
function runsOfSameShape(rows: readonly Row[]): Row[][] {
  const runs: Row[][] = [];
  for (const row of rows) {
    const run = runs.at(-1);
    if (run && run[0].shape === row.shape) run.push(row);
    else runs.push([row]);
  }
  return runs;
}

/**
 * Write a chunk under a savepoint. If the database refuses it for its data, halve it and write the
 * halves, down to single rows, whose errors are the records' failures: k bad rows among n cost about
 * k·log2(n) extra statements, and every good row is still written. Errors that are not about the
 * data (the connection dropped) are thrown: the whole transaction and batch are retried later.
 */
async function bisect(
  tx: SqlTransaction,
  rows: readonly Row[],
  statement: (rows: readonly Row[]) => Statement,
  failures: Map<number, string>,
): Promise<void> {
  try {
    await tx.attempt(() => tx.run(statement(rows)));
  } catch (error) {
    if (!isStatementError(error)) throw error;
    if (rows.length === 1) {
      failures.set(rows[0].index, error.message);
      return;
    }
    const middle = rows.length >> 1;
    await bisect(tx, rows.slice(0, middle), statement, failures);
    await bisect(tx, rows.slice(middle), statement, failures);
  }
}
