import type { ServiceInstance } from '../../sdk';
import type { Dialect } from './dialect';

/**
 * What a SQL controller service gives processors. Processors never write dialect-specific SQL:
 * they build statements with ./statements (which asks the service's Dialect) and run them here.
 */

export type DatabaseType = 'postgresql' | 'mysql' | 'sqlite';

/** A row as processors see it: JSON-safe values only (see ./json-safe for the conversions). */
export type Row = Record<string, unknown>;

/**
 * A statement ready to run: SQL with the dialect's placeholders, its parameter values, and what the
 * error messages should name (the table, and the column each parameter goes to).
 */
export interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly table?: string;
  /** parameterColumns[i] is the column the (i+1)th parameter is for, when there is one. */
  readonly parameterColumns?: readonly (string | undefined)[];
}

export interface QueryResult {
  /** Result rows, JSON-safe; empty for statements that return none. */
  readonly rows: Row[];
  /** Whether the statement produces a result set (SELECT, … RETURNING), even an empty one. */
  readonly returnsRows: boolean;
  /** Rows inserted, updated or deleted (the driver's count; MySQL counts an upsert's update as 2). */
  readonly affectedRows: number;
}

export interface ColumnInfo {
  readonly name: string;
  /** The database's own type name, as a cast would spell it (`integer`, `varchar(20)`, `int(11)`). */
  readonly type: string;
  /** PostgreSQL array columns take JS arrays as they are; anything else gets JSON text for objects. */
  readonly isArray: boolean;
}

export interface TableInfo {
  readonly table: string;
  readonly columns: readonly ColumnInfo[];
  /** Primary key columns, in key order; empty when the table has none. */
  readonly primaryKey: readonly string[];
}

/** Statements on one connection inside one transaction. */
export interface SqlTransaction {
  run(statement: Statement): Promise<QueryResult>;
  /**
   * Run a step that may fail on its own (a bad row, a bad parameter) without losing the work done
   * so far in the transaction: the step runs under a savepoint that is rolled back if it throws.
   */
  attempt<T>(step: () => Promise<T>): Promise<T>;
  /**
   * Plain inserts by the database's bulk path, where it has one (PostgreSQL: COPY); undefined
   * elsewhere. All or nothing: one bad row fails the call (then write the rows as statements).
   */
  readonly bulkInsert?: (table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]) => Promise<void>;
}

export interface SqlDatabase extends ServiceInstance {
  readonly kind: 'sql';
  readonly dialect: Dialect;
  /** The database this pool connects to, for messages (`orders@db.example:5432`); never the password. */
  readonly label: string;
  /** One statement on any pooled connection, in autocommit. */
  run(statement: Statement): Promise<QueryResult>;
  /**
   * Plain inserts by the database's bulk path in a transaction of their own (PostgreSQL: one COPY,
   * a single round trip); undefined where there is none. All or nothing.
   */
  readonly bulkInsert?: (table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]) => Promise<void>;
  /** Committed when `work` resolves, rolled back when it throws (the error is rethrown). */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /** Columns and primary key of a table (`name` or `schema.name`); a SqlError if there is no such table. */
  describeTable(table: string): Promise<TableInfo>;
}

declare module '../use-service' {
  interface ServiceKinds {
    sql: SqlDatabase;
  }
}
