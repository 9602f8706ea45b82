import type { Dialect } from './dialect';
import type { ColumnInfo, Statement } from './types';

/**
 * Statement builders shared by the SQL processors. Each takes the service's dialect, quotes every
 * identifier, and turns every value into a parameter (remembering which column it is for, so an
 * error about "parameter $7" can name the column).
 */

/** Collects parameter values and hands out their placeholders. */
class Parameters {
  readonly values: unknown[] = [];
  readonly columns: (string | undefined)[] = [];
  constructor(private readonly dialect: Dialect) {}

  add(value: unknown, column?: string, columnType?: string): string {
    this.values.push(value);
    this.columns.push(column);
    const position = this.values.length;
    return columnType ? this.dialect.typedPlaceholder(position, columnType) : this.dialect.placeholder(position);
  }

  statement(sql: string, table: string): Statement {
    return { sql, params: this.values, table, parameterColumns: this.columns };
  }
}

/** Rows per statement so that rows × columns stays within the protocol's parameter limit. */
export function maxRowsPerStatement(dialect: Dialect, columnCount: number): number {
  return Math.max(1, Math.floor(dialect.maxParameters / Math.max(1, columnCount)));
}

/**
 * One multi-row INSERT of `rows` (values in `columns` order). With `upsertKeys`, rows whose key
 * exists update the existing row instead (PostgreSQL: ON CONFLICT on those columns; MySQL: ON
 * DUPLICATE KEY, i.e. on any unique key). Keys must not repeat within one statement.
 */
export function insertStatement(
  dialect: Dialect,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  upsertKeys?: readonly string[],
): Statement {
  const params = new Parameters(dialect);
  const values = rows.map((row) => `(${row.map((value, i) => params.add(value, columns[i])).join(', ')})`);
  let sql = `INSERT INTO ${dialect.quote(table)} (${columns.map(dialect.quote).join(', ')}) VALUES ${values.join(', ')}`;
  if (upsertKeys) sql += ` ${dialect.upsertClause(columns, upsertKeys)}`;
  return params.statement(sql, table);
}

/**
 * One multi-row UPDATE: each row holds the key values, then the values of `setColumns`; the table's
 * rows with those keys get those values. `columnTypes` lets PostgreSQL type the incoming values.
 */
export function updateStatement(
  dialect: Dialect,
  table: string,
  keyColumns: readonly string[],
  setColumns: readonly string[],
  rows: readonly (readonly unknown[])[],
  columnTypes: ReadonlyMap<string, string>,
): Statement {
  const params = new Parameters(dialect);
  const columns = [...keyColumns, ...setColumns];
  const placeholders = rows.map((row) => row.map((value, i) => params.add(value, columns[i], columnTypes.get(columns[i]))));
  const sql = dialect.updateFromRows(table, keyColumns, setColumns, dialect.valuesTable(columns, placeholders));
  return params.statement(sql, table);
}

export interface PageQuery {
  readonly table: string;
  /** Columns to read (the keyset columns among them). */
  readonly columns: readonly ColumnInfo[];
  /** The keyset: the max-value column, then tie-breakers that make it unique. */
  readonly orderColumns: readonly string[];
  /** The last row read, as its values of `orderColumns`; undefined to start from the first row. */
  readonly after?: readonly unknown[];
  /** An extra condition written by the flow's author (trusted SQL, not a record's data). */
  readonly where?: string;
  readonly limit: number;
}

/**
 * The next page of a table in keyset order: rows strictly after `after`, sorted, at most `limit`.
 * Rows whose max-value column is NULL never qualify. The leading `c1 >= v1` lets an index on the
 * max-value column start the scan at the watermark instead of at the beginning of the table.
 */
export function pageStatement(dialect: Dialect, query: PageQuery): Statement {
  if (!Number.isSafeInteger(query.limit) || query.limit < 1) throw new Error(`page size must be a positive integer, not ${query.limit}`);
  const params = new Parameters(dialect);
  const q = dialect.quote;
  const [first] = query.orderColumns;
  const select = query.columns.map(dialect.selectColumn).join(', ');
  const conditions = [`${q(first)} IS NOT NULL`];
  if (query.after) {
    conditions.push(`${q(first)} >= ${params.add(query.after[0], first)}`);
    conditions.push(afterCondition(query.orderColumns, query.after, (value, column) => params.add(value, column), q));
  }
  if (query.where?.trim()) conditions.push(`(${query.where})`);
  // qualified, so that ORDER BY means the column and not a select-list expression named like it
  const order = query.orderColumns.map((c) => `${q(query.table)}.${q(c)}`).join(', ');
  const sql = `SELECT ${select} FROM ${q(query.table)} WHERE ${conditions.join(' AND ')} ORDER BY ${order} LIMIT ${query.limit}`;
  return params.statement(sql, query.table);
}

/** (c1, c2, …) > (v1, v2, …) in lexicographic order, spelled out (row comparison plans poorly in MySQL). */
function afterCondition(
  columns: readonly string[],
  values: readonly unknown[],
  param: (value: unknown, column: string) => string,
  quote: (identifier: string) => string,
): string {
  const [column, ...restColumns] = columns;
  const greater = `${quote(column)} > ${param(values[0], column)}`;
  if (restColumns.length === 0) return greater;
  const equal = `${quote(column)} = ${param(values[0], column)}`;
  return `(${greater} OR (${equal} AND ${afterCondition(restColumns, values.slice(1), param, quote)}))`;
}
