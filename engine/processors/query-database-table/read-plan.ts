import { columnNamed, parseColumnList } from '../../services/sql/table-info';
import type { ColumnInfo, TableInfo } from '../../services/sql/types';
import type { PropsOf } from '../../sdk';
import type { queryDatabaseTableSpec } from './spec';

/** How the processor reads its table: resolved once against the table's actual columns. */
export interface ReadPlan {
  readonly table: string;
  /** Columns to select: those asked for, plus the keyset columns (or every column). */
  readonly columns: readonly ColumnInfo[];
  /** The keyset: the max-value column, then the tie-breakers. */
  readonly orderColumns: readonly string[];
  /** Keyset columns selected only to advance the watermark, removed from the records. */
  readonly hidden: readonly string[];
}

/**
 * The committed position: the keyset values of the last row handed downstream. It names the table
 * and keyset it belongs to, so a changed configuration is noticed instead of misread.
 */
export interface Watermark {
  readonly table: string;
  readonly orderColumns: readonly string[];
  readonly after: readonly unknown[];
}

type Props = PropsOf<typeof queryDatabaseTableSpec>;

export function readPlan(props: Props, info: TableInfo): ReadPlan {
  const resolve = (name: string, role: string) => {
    const column = columnNamed(info, name);
    if (!column) throw new Error(`table "${info.table}" has no column "${name}" (${role}); it has ${info.columns.map((c) => c.name).join(', ')}`);
    return column;
  };
  const maxValue = resolve(props.maxValueColumn, 'max-value column');
  const named = parseColumnList(props.tieBreaker).map((c) => resolve(c, 'tie-breaker'));
  if (named.length === 0 && info.primaryKey.length === 0) {
    throw new Error(
      `table "${info.table}" has no primary key to order rows sharing a ${maxValue} value: set Tie-breaker columns (or name "${maxValue}" there if it is unique)`,
    );
  }
  const tieBreakers = (named.length > 0 ? named : info.primaryKey).filter((c) => c !== maxValue);
  const orderColumns = [maxValue, ...tieBreakers];
  const chosen = parseColumnList(props.columns).map((c) => resolve(c, 'columns'));
  const hidden = chosen.length === 0 ? [] : orderColumns.filter((c) => !chosen.includes(c));
  const selected = new Set(chosen.length === 0 ? info.columns.map((c) => c.name) : [...chosen, ...hidden]);
  const columns = info.columns.filter((c) => selected.has(c.name));
  return { table: info.table, columns, orderColumns, hidden };
}

/** The position to read after, or undefined to start at the first row; throws if it is another query's. */
export function positionFor(plan: ReadPlan, saved: unknown): readonly unknown[] | undefined {
  if (saved === undefined) return undefined;
  const watermark = saved as Watermark;
  const sameKeyset = watermark.orderColumns?.join('\0') === plan.orderColumns.join('\0');
  if (watermark.table !== plan.table || !sameKeyset) {
    throw new Error(
      `the saved position is for table "${watermark.table}" ordered by (${watermark.orderColumns?.join(', ')}), not "${plan.table}" by (${plan.orderColumns.join(', ')}): clear the processor's state to read from the start`,
    );
  }
  return watermark.after;
}
