import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { confinedPath, implementService } from '../../../sdk';
import { sqliteDialect } from '../dialect';
import { openDatabase } from '../pool';
import type { Row, Statement } from '../types';
import { sqliteError } from './errors';
import { sqlitePoolSpec } from './spec';

/** The table as SQLite knows it (names compare without case there), its columns in order and its key. */
const CATALOG_SQL = `
  SELECT m.name AS table_name, p.name AS name, p.type AS type, 0 AS is_array,
         CASE WHEN p.pk > 0 THEN p.pk END AS key_position
  FROM sqlite_schema m JOIN pragma_table_info(m.name) p
  WHERE m.type IN ('table', 'view') AND lower(m.name) = lower(?)
  ORDER BY p.cid`;

/**
 * An embedded SQLite file through better-sqlite3: one connection (SQLite has one writer at a time),
 * in WAL mode so that other programs can read while the flow writes. The driver is synchronous; a
 * transaction spans awaits (the processor's work between statements), so statements and
 * transactions take turns through one queue: nothing from outside lands inside an open transaction.
 */
export default implementService(sqlitePoolSpec, async ({ props }) => {
  const file = confinedPath(props.path, 'Database file');
  const label = path.basename(file);
  let db: Database.Database;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file, { timeout: props.busyTimeoutMs });
    db.pragma('journal_mode = WAL');
  } catch (error) {
    throw sqliteError(error, label);
  }

  // the turns: a transaction checks out its turn as its connection; checking it in lets the next go
  let last: Promise<unknown> = Promise.resolve();
  function nextTurn(): Promise<() => void> {
    const before = last;
    let done!: () => void;
    last = new Promise<void>((resolve) => (done = resolve));
    return before.then(() => done);
  }
  async function inTurn<T>(work: () => T): Promise<T> {
    const done = await nextTurn();
    try {
      return work();
    } finally {
      done();
    }
  }

  /** Rows for a statement that reads, what it changed for one that does not. */
  function runNow(statement: Statement): Row[] | Database.RunResult {
    const prepared = db.prepare(statement.sql).safeIntegers(true);
    const params = statement.params.map(bindable);
    return prepared.reader ? (prepared.all(params) as Row[]) : prepared.run(params);
  }

  return openDatabase<() => void, Row[] | Database.RunResult>({
    dialect: sqliteDialect,
    label,
    error: sqliteError,
    checkOut: nextTurn,
    // one connection, nothing to replace it with: a failed ROLLBACK here means SQLite had already
    // ended the transaction (BEGIN failed, or an I/O error rolled it back)
    checkIn: (done) => done(),
    run: async (statement, turn) => (turn ? runNow(statement) : inTurn(() => runNow(statement))),
    result: (result) =>
      Array.isArray(result) ? { rows: result, returnsRows: true, affectedRows: 0 } : { rows: [], returnsRows: false, affectedRows: result.changes },
    control: async (_, sql) => db.exec(sql),
    // IMMEDIATE: take the write lock now (waiting up to the busy timeout), not at the first write
    begin: 'BEGIN IMMEDIATE',
    catalog: (table) => ({ sql: CATALOG_SQL, params: [table] }),
    tableName: (table) => (table.startsWith('main.') ? table.slice('main.'.length) : table),
    // a lingering transaction (a processor that stopped mid-way) is rolled back by close
    releaseWhenIdle: true,
    close: () => inTurn(() => void db.close()),
  });
});

/** SQLite binds numbers, strings, bigints, buffers and null: booleans become 1 and 0, dates ISO text. */
function bindable(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return null;
  return value;
}
