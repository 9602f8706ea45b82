import type { ServiceInstance } from '../../sdk';
import type { FieldType, RecordSchema } from '../../records/schema';

/**
 * A warehouse: where sinks load records as rows of typed tables. Small on purpose, so BigQuery,
 * Elasticsearch or Cassandra could implement it with their official clients: describe a table,
 * create or widen it from a record schema, bulk-load rows atomically, run a query.
 *
 * Schema policy, the same for every implementation:
 * - Tables are created from the records' inferred schema (engine/records/schema.ts), every column
 *   nullable: a later batch may lack any field.
 * - New fields become new nullable columns (when the caller allows it); existing rows read NULL.
 * - A column's type is never changed. Later values are converted to it where nothing is lost (39 into
 *   a DOUBLE, 12 into a VARCHAR as "12", "2026-08-01T10:00:00Z" into a TIMESTAMPTZ); a record whose
 *   value cannot be converted is rejected with a reason naming the column, the rest load. Widening a
 *   column in place rewrites the table and changes its readers' contract: an ALTER a person decides.
 */
export interface Warehouse extends ServiceInstance {
  readonly kind: 'warehouse';
  /**
   * The table's columns in table order, or undefined when it does not exist. May answer from a cache
   * the warehouse keeps current with its own DDL and forgets after a failed load.
   */
  describe(table: string): Promise<readonly Column[] | undefined>;
  /**
   * Make the table able to take records of this schema: create it when missing (if allowed), add
   * columns for fields it lacks (if allowed); never alter an existing column. Returns the columns
   * after. Throws when the table is missing and may not be created, or the warehouse is unreachable.
   */
  ensureTable(table: string, schema: RecordSchema, policy: TablePolicy): Promise<readonly Column[]>;
  /**
   * Load rows into one or more tables in one transaction. Each row (a record's content) is converted
   * to its table's columns; rows that cannot be are rejected with a reason and the others load. Fields
   * without a column are not loaded (the caller decides beforehand what they mean); a column the row
   * has no field for gets NULL (PostgreSQL leaves out columns no row of the load has, so their
   * defaults apply there). Throws, having loaded nothing, when the warehouse cannot be reached or the
   * load fails as a whole.
   */
  load(loads: readonly TableLoad[]): Promise<LoadResult[]>;
  /** Run SQL and return its rows as JSON values (tests, checks, a preview in the UI). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface Column {
  readonly name: string;
  /** The record type the column holds; undefined for engine types records are not mapped to (DATE, UUID, …). */
  readonly type: FieldType | undefined;
  /** Whether a row may leave it empty: false for NOT NULL (without a default, where the engine has them). */
  readonly nullable: boolean;
  /** The engine's own type as it reports it: BIGINT, TIMESTAMP WITH TIME ZONE, jsonb. */
  readonly sqlType: string;
}

export interface TablePolicy {
  /** Create the table when it does not exist. */
  readonly create: boolean;
  /**
   * Evolve the table: add nullable columns for fields it lacks, and widen an integer column whose
   * records now bring fractions (BIGINT → DOUBLE), so a table created from whole prices takes 9.99.
   */
  readonly addColumns: boolean;
}

export interface TableLoad {
  readonly table: string;
  /** The table's columns, as describe/ensureTable returned them. */
  readonly columns: readonly Column[];
  /** Record contents (objects), field name → value. */
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  /**
   * Merge on these columns instead of appending: the table's rows with a loaded row's key are
   * replaced by it (deleted and inserted in the load's transaction; no unique constraint needed), so
   * loading the same rows again changes nothing. Within a load the last row of a key wins; a row
   * without a value for a key column is rejected.
   */
  readonly keys?: readonly string[];
}

/** Per TableLoad, in order: how many rows loaded, which were rejected (index into its rows) and why. */
export interface LoadResult {
  readonly loaded: number;
  readonly rejected: readonly Rejection[];
}

export interface Rejection {
  readonly row: number;
  readonly reason: string;
}

declare module '../use-service' {
  interface ServiceKinds {
    warehouse: Warehouse;
  }
}
