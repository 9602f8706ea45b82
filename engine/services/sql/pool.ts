import type { Dialect } from './dialect';
import type { SqlError } from './errors';
import { toJsonSafeRow } from './json-safe';
import { tableInfoFrom, type CatalogRow } from './table-info';
import type { QueryResult, SqlDatabase, SqlTransaction, Statement, TableInfo } from './types';

type Rows = readonly (readonly unknown[])[];

/**
 * What one database's driver gives the skeleton below, which makes it a SqlDatabase. `C` is a
 * connection checked out for more than one statement (SQLite: a turn on its one connection), `R`
 * what the driver returns for a statement. The methods throw the driver's own errors; the skeleton
 * maps them with `error` (made for that: a SqlError passes through as it is).
 */
export interface Driver<C, R> {
  readonly dialect: Dialect;
  /** The database, for messages; never the password. */
  readonly label: string;
  /** The dialect's ./errors mapping: a driver error as a SqlError, naming the statement's table and column. */
  error(error: unknown, label: string, statement?: Statement): SqlError;
  /** A connection of its own, for a transaction or a lone bulk insert. */
  checkOut(): Promise<C>;
  /** Back to the pool; `broken`: its state is unknown, so destroy it rather than reuse it. */
  checkIn(connection: C, broken: boolean): void;
  /** One statement on that connection, or without one on any connection in autocommit. */
  run(statement: Statement, connection?: C): Promise<R>;
  /** Its result as a QueryResult, rows as the driver gives them (outside `error`: a surprise here is no database error). */
  result(raw: R): QueryResult;
  /** BEGIN, COMMIT, ROLLBACK, SAVEPOINT …: no parameters, no rows. */
  control(connection: C, sql: string): Promise<unknown>;
  /** The statement that opens a transaction. */
  readonly begin: string;
  /** The bulk path on a connection (PostgreSQL: COPY), where there is one: all or nothing. */
  readonly copy?: (connection: C, table: string, columns: readonly string[], rows: Rows) => Promise<void>;
  /** The catalog query for a table (rows as ./table-info reads them). */
  catalog(table: string): Statement;
  /** The table as statements name it, where that is not as the user wrote it (SQLite: `main.t` is `t`). */
  tableName?(table: string): string;
  /** See ServiceInstance: closed while no processor runs. */
  readonly releaseWhenIdle?: boolean;
  close(): Promise<void>;
}

/** The SqlDatabase over a driver, once a first statement has worked: else the driver is closed and the error thrown. */
export async function openDatabase<C, R>(driver: Driver<C, R>): Promise<SqlDatabase> {
  const { dialect, label } = driver;

  /** The driver's work, its errors as SqlErrors (about `statement`, when there is one). */
  async function mapped<T>(work: () => Promise<T>, statement?: Statement): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw driver.error(error, label, statement);
    }
  }

  async function run(statement: Statement, connection?: C): Promise<QueryResult> {
    const result = driver.result(await mapped(() => driver.run(statement, connection), statement));
    const rows = result.rows;
    for (let i = 0; i < rows.length; i++) toJsonSafeRow(rows[i]);
    return result;
  }

  const control = (connection: C, sql: string) => mapped(() => driver.control(connection, sql));

  // the database's message names the line and column; the statement adds the table
  const copy = (connection: C, table: string, columns: readonly string[], rows: Rows) =>
    mapped(() => driver.copy!(connection, table, columns, rows), { sql: 'bulk insert', params: [], table });

  /**
   * `use` on a connection of its own, then back to the pool; destroyed instead when, after a
   * failure, `unknownState` says that the connection can no longer be trusted.
   */
  async function withConnection<T>(use: (connection: C) => Promise<T>, unknownState: (connection: C, error: unknown) => Promise<boolean>): Promise<T> {
    const connection = await mapped(() => driver.checkOut());
    let broken = false;
    try {
      return await use(connection);
    } catch (error) {
      broken = await unknownState(connection, error);
      throw error;
    } finally {
      driver.checkIn(connection, broken);
    }
  }

  function transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return withConnection(
      async (connection) => {
        const tx: SqlTransaction = {
          run: (statement) => run(statement, connection),
          attempt: savepointAttempts((sql) => control(connection, sql)),
          bulkInsert: driver.copy && ((table, columns, rows) => copy(connection, table, columns, rows)),
        };
        await control(connection, driver.begin);
        const result = await work(tx);
        await control(connection, 'COMMIT');
        return result;
      },
      // a connection whose rollback failed (it dropped, the server went away) is in an unknown state
      (connection) => control(connection, 'ROLLBACK').then(() => false, () => true),
    );
  }

  /**
   * The bulk path alone is one atomic statement: no BEGIN and COMMIT round trips. With no ROLLBACK
   * to tell, a retryable error (the connection dropped mid-stream) leaves the state unknown.
   */
  const bulkInsert: SqlDatabase['bulkInsert'] =
    driver.copy &&
    ((table, columns, rows) =>
      withConnection(
        (connection) => copy(connection, table, columns, rows),
        async (_, error) => (error as SqlError).retryable,
      ));

  async function describeTable(requested: string): Promise<TableInfo> {
    const table = driver.tableName?.(requested) ?? requested;
    const { rows } = await run(driver.catalog(table));
    return tableInfoFrom(table, rows as unknown as CatalogRow[], `${dialect.displayName} ${label}`);
  }

  // fail at open, with the database's reason, rather than at the first record
  try {
    await run({ sql: 'SELECT 1', params: [] });
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
  return {
    kind: 'sql',
    dialect,
    label,
    run: (statement) => run(statement),
    bulkInsert,
    transaction,
    describeTable,
    releaseWhenIdle: driver.releaseWhenIdle,
    close: () => driver.close(),
  };
}

/**
 * A transaction's `attempt`: one step inside a savepoint, undone alone if it throws while the
 * transaction goes on (how PutDatabaseRecord isolates a bad row). Same SQL on every database.
 */
function savepointAttempts(control: (sql: string) => Promise<unknown>): SqlTransaction['attempt'] {
  let savepoints = 0;
  return async (step) => {
    const name = `conflux_${++savepoints}`;
    await control(`SAVEPOINT ${name}`);
    try {
      const result = await step();
      await control(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await control(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
  };
}
