import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { confinedPath, implementService } from '../../../sdk';
import { sqliteDialect } from '../dialect';
import { toJsonSafeRow } from '../json-safe';
import { tableInfoFrom, type CatalogRow } from '../table-info';
import { checkedOpen, savepointAttempts } from '../transactions';
import type { QueryResult, Row, SqlDatabase, SqlTransaction, Statement, TableInfo } from '../types';
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
  const fail = (error: unknown, statement?: Statement) => sqliteError(error, label, statement);
  let db: Database.Database;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file, { timeout: props.busyTimeoutMs });
    db.pragma('journal_mode = WAL');
  } catch (error) {
    throw fail(error);
  }

  let turn: Promise<unknown> = Promise.resolve();
  /** Run `work` when every earlier statement or transaction is done. */
  function inTurn<T>(work: () => Promise<T> | T): Promise<T> {
    const result = turn.then(work);
    turn = result.catch(() => undefined);
    return result;
  }

  function runNow(statement: Statement): QueryResult {
    try {
      const prepared = db.prepare(statement.sql).safeIntegers(true);
      const params = statement.params.map(bindable);
      if (!prepared.reader) return { rows: [], returnsRows: false, affectedRows: prepared.run(params).changes };
      const rows = prepared.all(params) as Row[];
      for (let i = 0; i < rows.length; i++) toJsonSafeRow(rows[i]);
      return { rows, returnsRows: true, affectedRows: 0 };
    } catch (error) {
      throw fail(error, statement);
    }
  }

  const control = (sql: string) => runNow({ sql, params: [] });

  function transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return inTurn(async () => {
      const tx: SqlTransaction = {
        run: async (statement) => runNow(statement),
        attempt: savepointAttempts(async (sql) => control(sql)),
      };
      // IMMEDIATE: take the write lock now (waiting up to the busy timeout), not at the first write
      control('BEGIN IMMEDIATE');
      try {
        const result = await work(tx);
        control('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  function describeTable(table: string): Promise<TableInfo> {
    const name = table.startsWith('main.') ? table.slice('main.'.length) : table;
    return inTurn(() => tableInfoFrom(name, runNow({ sql: CATALOG_SQL, params: [name] }).rows as unknown as CatalogRow[], `SQLite ${label}`));
  }

  const database: SqlDatabase = {
    kind: 'sql',
    dialect: sqliteDialect,
    label,
    run: (statement) => inTurn(() => runNow(statement)),
    transaction,
    describeTable,
    // a lingering transaction (a processor that stopped mid-way) is rolled back by close
    releaseWhenIdle: true,
    close: () => inTurn(() => void db.close()),
  };
  return checkedOpen(database, async () => db.close());
});

/** SQLite binds numbers, strings, bigints, buffers and null: booleans become 1 and 0, dates ISO text. */
function bindable(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return null;
  return value;
}
