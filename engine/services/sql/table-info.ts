import { SqlError } from './errors';
import type { TableInfo } from './types';

/** One column as the catalog queries of both pools return it. */
export interface CatalogRow {
  table_name: string;
  name: string;
  type: string;
  is_array: boolean | number;
  /** 1-based position in the primary key; null when not part of it. */
  key_position: number | null;
}

/**
 * A TableInfo from catalog rows that may cover two tables: the one named exactly and, for names
 * typed in another case (`Orders` for `orders`), the one that matches ignoring case. The exact
 * match wins; the returned `table` is the name to use in statements.
 */
export function tableInfoFrom(requested: string, rows: readonly CatalogRow[], databaseName: string): TableInfo {
  const wanted = requested.split('.').at(-1)!;
  const names = [...new Set(rows.map((r) => r.table_name))];
  const name = names.find((n) => n === wanted) ?? names.find((n) => n.toLowerCase() === wanted.toLowerCase());
  if (name === undefined) throw new SqlError(`table "${requested}" does not exist in ${databaseName}`, false, 'NO_SUCH_TABLE');
  const columns = rows.filter((r) => r.table_name === name);
  const primaryKey = columns
    .filter((c) => c.key_position !== null && c.key_position !== undefined)
    .sort((a, b) => Number(a.key_position) - Number(b.key_position))
    .map((c) => c.name);
  const schema = requested.includes('.') ? `${requested.slice(0, requested.lastIndexOf('.'))}.` : '';
  return {
    table: name === wanted ? requested : schema + name,
    columns: columns.map((c) => ({ name: c.name, type: c.type, isArray: Boolean(c.is_array) })),
    primaryKey,
  };
}

/**
 * The table's column matching a name, exactly or else ignoring case (PostgreSQL folds unquoted
 * names to lower case, so `OrderId` in a form usually means `orderid`); undefined when none does.
 */
export function columnNamed(table: TableInfo, name: string): string | undefined {
  const exact = table.columns.find((c) => c.name === name);
  if (exact) return exact.name;
  const lower = name.toLowerCase();
  return table.columns.find((c) => c.name.toLowerCase() === lower)?.name;
}

/** The names in a comma-separated list of columns, as a property holds it (`id, region`). */
export function parseColumnList(list: string): string[] {
  return list
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}
