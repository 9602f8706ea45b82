import { toParameter } from '../../services/sql/json-safe';
import { columnNamed, parseColumnList } from '../../services/sql/table-info';
import type { TableInfo } from '../../services/sql/types';
import type { PropsOf } from '../../sdk';
import type { putDatabaseRecordSpec } from './spec';

type Props = PropsOf<typeof putDatabaseRecordSpec>;

/**
 * The table as PutDatabaseRecord writes it: resolved once against the table's columns, then used to
 * turn each record into a row.
 */
export interface Target {
  readonly table: string;
  readonly mode: Props['mode'];
  /**
   * Whether rows may go by the database's bulk path (plain inserts; not into tables with array
   * columns, whose values COPY's text format would need spelled as array literals).
   */
  readonly bulk: boolean;
  /** Upsert and update: the columns that identify a row (empty for insert). */
  readonly keyColumns: readonly string[];
  /** Column → its type, for statements that must spell types out (PostgreSQL multi-row UPDATE). */
  readonly types: ReadonlyMap<string, string>;
  /** Turn the content of the batch's `index`th record into a row, or say why it cannot be one. */
  rowOf(content: unknown, index: number): Row | { error: string };
  /** When the table was described (Date.now()). */
  readonly describedAt: number;
  /** Whether records brought fields the table had no column for: a column may have been added since. */
  hasUnmatchedFields(): boolean;
}

/** One record as a row: its columns (in the record's field order) and their parameter values. */
export interface Row {
  readonly columns: readonly string[];
  readonly values: readonly unknown[];
  /** Which rows may share a statement: the same columns. */
  readonly shape: string;
  /** The key values as text (upsert, update), so one statement never touches a row twice. */
  readonly key?: string;
  /** The record's position in its batch. */
  readonly index: number;
}

/**
 * How records with one particular list of fields become rows, worked out once per field list: a
 * stream of records nearly always repeats one, so a row costs one array of values and no lookups.
 */
interface Layout {
  readonly fields: readonly string[];
  /** For each column written, the field it comes from. */
  readonly sources: readonly string[];
  readonly columns: readonly string[];
  readonly asArray: readonly boolean[];
  readonly shape: string;
  /** Positions of the key columns in `columns`. */
  readonly keyPositions: readonly number[];
  /** Why records of this layout cannot be written at all. */
  readonly error?: string;
}

const MAX_LAYOUTS = 256;

export function targetOf(props: Props, info: TableInfo): Target {
  const { table } = info;
  const keyColumns = props.mode === 'insert' ? [] : resolveKeys(props, info);
  const arrayColumns = new Set(info.columns.filter((c) => c.isArray).map((c) => c.name));
  const types = new Map(info.columns.map((c) => [c.name, c.type]));
  const layouts = new Map<string, Layout>();
  let last: Layout | undefined;
  let unmatched = false;

  function layoutOf(fields: string[]): Layout {
    const id = fields.join('\0');
    let layout = layouts.get(id);
    if (layout) return layout;
    const sources: string[] = [];
    const columns: string[] = [];
    let error: string | undefined;
    for (const field of fields) {
      const column = columnNamed(info, field);
      if (column) {
        sources.push(field);
        columns.push(column);
        continue;
      }
      unmatched = true;
      if (props.unmatchedFields === 'fail') error ??= `table "${table}" has no column for field "${field}"`;
    }
    if (columns.length === 0) error ??= `the record has no field for any column of table "${table}"`;
    const keyPositions = keyColumns.map((key) => columns.indexOf(key));
    const missingKey = keyColumns.find((_, i) => keyPositions[i] < 0);
    if (missingKey) error ??= `key column "${missingKey}" of table "${table}" is missing or null`;
    if (props.mode === 'update' && columns.length === keyColumns.length) {
      error ??= `nothing to update in table "${table}": the record has only key columns`;
    }
    const asArray = columns.map((c) => arrayColumns.has(c));
    layout = { fields, sources, columns, asArray, shape: columns.join('\0'), keyPositions, error };
    if (layouts.size >= MAX_LAYOUTS) layouts.clear();
    layouts.set(id, layout);
    return layout;
  }

  /** The layout of this content: the last one when its fields are the same, in the same order. */
  function matchLayout(content: Record<string, unknown>): Layout {
    if (last) {
      const { fields } = last;
      let i = 0;
      let same = true;
      for (const field in content) {
        if (fields[i++] !== field) {
          same = false;
          break;
        }
      }
      if (same && i === fields.length) return last;
    }
    return (last = layoutOf(Object.keys(content)));
  }

  function rowOf(content: unknown, index: number): Row | { error: string } {
    if (typeof content !== 'object' || content === null || Array.isArray(content)) {
      return { error: `a record for table "${table}" must be an object of column values` };
    }
    const record = content as Record<string, unknown>;
    const layout = matchLayout(record);
    if (layout.error) return { error: layout.error };
    const { sources, asArray, keyPositions } = layout;
    const values = new Array<unknown>(sources.length);
    for (let i = 0; i < sources.length; i++) values[i] = toParameter(record[sources[i]], asArray[i]);
    if (keyPositions.length === 0) return { columns: layout.columns, values, shape: layout.shape, index };
    const keyValues = keyPositions.map((p) => values[p]);
    const nullKey = keyValues.findIndex((v) => v === null);
    if (nullKey >= 0) return { error: `key column "${keyColumns[nullKey]}" of table "${table}" is missing or null` };
    return { columns: layout.columns, values, shape: layout.shape, key: JSON.stringify(keyValues), index };
  }

  const bulk = props.mode === 'insert' && arrayColumns.size === 0;
  const describedAt = Date.now();
  return { table, mode: props.mode, bulk, keyColumns, types, rowOf, describedAt, hasUnmatchedFields: () => unmatched };
}

function resolveKeys(props: Props, info: TableInfo): string[] {
  const named = parseColumnList(props.keyColumns);
  if (named.length === 0) {
    if (info.primaryKey.length > 0) return [...info.primaryKey];
    throw new Error(`table "${info.table}" has no primary key: set Key columns to ${props.mode} by`);
  }
  return named.map((name) => {
    const column = columnNamed(info, name);
    if (!column) throw new Error(`table "${info.table}" has no column "${name}" (key columns)`);
    return column;
  });
}
