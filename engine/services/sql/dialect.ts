import type { ColumnInfo, DatabaseType } from './types';

/**
 * Everything that differs between the SQL the databases accept, in one place per database. The
 * statement builders (./statements) ask the dialect and stay database-neutral, and so do processors.
 * Identifiers are always quoted, values are always placeholders: nothing a record carries is ever
 * spliced into SQL text.
 */
export interface Dialect {
  readonly type: DatabaseType;
  /** For messages and attributes: `PostgreSQL`, `MySQL`. */
  readonly displayName: string;
  /** How literals and comments are written: what to skip when looking for `:name` in SQL text. */
  readonly syntax: { readonly backslashEscapes: boolean; readonly hashComments: boolean; readonly dollarQuotes: boolean };
  /** Most placeholders one statement may carry (both protocols count parameters in 16 bits). */
  readonly maxParameters: number;
  /** A quoted identifier; `schema.table` becomes two quoted parts. */
  quote(identifier: string): string;
  /** The placeholder for the parameter at this 1-based position. */
  placeholder(position: number): string;
  /** A placeholder cast to a column's type where the database cannot infer it (VALUES lists). */
  typedPlaceholder(position: number, columnType: string): string;
  /** What follows a multi-row INSERT so a row whose key exists updates the existing row instead. */
  upsertClause(columns: readonly string[], keyColumns: readonly string[]): string;
  /**
   * A multi-row UPDATE: the table joined with the incoming rows on the key columns. `rowsSql` is a
   * derived table (from `valuesTable`) with one column per key and set column, in that order.
   */
  updateFromRows(table: string, keyColumns: readonly string[], setColumns: readonly string[], rowsSql: string): string;
  /** A derived table of rows of placeholders, its columns named `columns`. */
  valuesTable(columns: readonly string[], rows: readonly (readonly string[])[]): string;
  /** A column in a select list, as a value JSON-safe and exact (named as the column). */
  selectColumn(column: ColumnInfo): string;
}

const quoteWith = (mark: string) => (identifier: string) =>
  identifier
    .split('.')
    .map((part) => mark + part.replaceAll(mark, mark + mark) + mark)
    .join('.');

const TARGET = '_target';
const INCOMING = '_incoming';

const pgQuote = quoteWith('"');

export const postgresDialect: Dialect = {
  type: 'postgresql',
  displayName: 'PostgreSQL',
  syntax: { backslashEscapes: false, hashComments: false, dollarQuotes: true },
  maxParameters: 65_535,
  quote: pgQuote,
  placeholder: (position) => `$${position}`,
  // a VALUES list of bare parameters would be typed text, and text does not assign to integer
  typedPlaceholder: (position, columnType) => `$${position}::${columnType}`,
  upsertClause(columns, keyColumns) {
    const keys = new Set(keyColumns);
    const updates = columns.filter((c) => !keys.has(c)).map((c) => `${pgQuote(c)} = EXCLUDED.${pgQuote(c)}`);
    const target = `ON CONFLICT (${keyColumns.map(pgQuote).join(', ')})`;
    return updates.length === 0 ? `${target} DO NOTHING` : `${target} DO UPDATE SET ${updates.join(', ')}`;
  },
  updateFromRows(table, keyColumns, setColumns, rowsSql) {
    const set = setColumns.map((c) => `${pgQuote(c)} = ${INCOMING}.${pgQuote(c)}`).join(', ');
    const on = keyColumns.map((c) => `${TARGET}.${pgQuote(c)} = ${INCOMING}.${pgQuote(c)}`).join(' AND ');
    return `UPDATE ${pgQuote(table)} AS ${TARGET} SET ${set} FROM ${rowsSql} WHERE ${on}`;
  },
  valuesTable(columns, rows) {
    const values = rows.map((row) => `(${row.join(', ')})`).join(', ');
    return `(VALUES ${values}) AS ${INCOMING} (${columns.map(pgQuote).join(', ')})`;
  },
  selectColumn: (column) => pgQuote(column.name),
};

const myQuote = quoteWith('`');

export const mysqlDialect: Dialect = {
  type: 'mysql',
  displayName: 'MySQL',
  syntax: { backslashEscapes: true, hashComments: true, dollarQuotes: false },
  maxParameters: 65_535,
  quote: myQuote,
  placeholder: () => '?',
  // MySQL converts on assignment; a CAST would need its own type names (SIGNED, CHAR …)
  typedPlaceholder: () => '?',
  // MySQL upserts on whichever unique key conflicts; the key columns only decide what is left alone.
  // VALUES() rather than the row alias of MySQL 8.0.19+: MariaDB knows only VALUES().
  upsertClause(columns, keyColumns) {
    const keys = new Set(keyColumns);
    const updates = columns.filter((c) => !keys.has(c)).map((c) => `${myQuote(c)} = VALUES(${myQuote(c)})`);
    if (updates.length === 0) updates.push(`${myQuote(keyColumns[0])} = ${myQuote(keyColumns[0])}`);
    return `ON DUPLICATE KEY UPDATE ${updates.join(', ')}`;
  },
  updateFromRows(table, keyColumns, setColumns, rowsSql) {
    const on = keyColumns.map((c) => `${TARGET}.${myQuote(c)} = ${INCOMING}.${myQuote(c)}`).join(' AND ');
    const set = setColumns.map((c) => `${TARGET}.${myQuote(c)} = ${INCOMING}.${myQuote(c)}`).join(', ');
    return `UPDATE ${myQuote(table)} AS ${TARGET} JOIN ${rowsSql} ON ${on} SET ${set}`;
  },
  valuesTable(columns, rows) {
    const [first, ...rest] = rows;
    const head = `SELECT ${first.map((p, i) => `${p} AS ${myQuote(columns[i])}`).join(', ')}`;
    const tail = rest.map((row) => ` UNION ALL SELECT ${row.join(', ')}`).join('');
    return `(${head}${tail}) AS ${INCOMING}`;
  },
  // Temporal values as the server's text: the binary protocol sends them as fields the driver must
  // reformat (slowly, and dropping zero fractions); this is exact, at the declared precision.
  selectColumn: (column) =>
    MYSQL_TEMPORAL.test(column.type) ? `CAST(${myQuote(column.name)} AS CHAR) AS ${myQuote(column.name)}` : myQuote(column.name),
};

const MYSQL_TEMPORAL = /^(datetime|timestamp|date|time)\b/i;

const sqliteQuote = quoteWith('"');

/**
 * SQLite (3.35+, as better-sqlite3 bundles it): PostgreSQL's quoting and upsert, UPDATE … FROM, no
 * casts (columns have affinities, not types), and a VALUES list named through a SELECT (SQLite's
 * VALUES cannot name its columns; its columns are column1, column2, …).
 */
export const sqliteDialect: Dialect = {
  type: 'sqlite',
  displayName: 'SQLite',
  syntax: { backslashEscapes: false, hashComments: false, dollarQuotes: false },
  // SQLITE_MAX_VARIABLE_NUMBER's default since 3.32
  maxParameters: 32_766,
  quote: sqliteQuote,
  placeholder: () => '?',
  typedPlaceholder: () => '?',
  upsertClause: postgresDialect.upsertClause,
  updateFromRows: postgresDialect.updateFromRows,
  valuesTable(columns, rows) {
    const values = rows.map((row) => `(${row.join(', ')})`).join(', ');
    const named = columns.map((c, i) => `column${i + 1} AS ${sqliteQuote(c)}`).join(', ');
    return `(SELECT ${named} FROM (VALUES ${values})) AS ${INCOMING}`;
  },
  selectColumn: (column) => sqliteQuote(column.name),
};
