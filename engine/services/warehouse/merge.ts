import type { LoadResult, Rejection, TableLoad } from './types';

type Row = Readonly<Record<string, unknown>>;

/** A merge load's rows as the warehouse writes them: one per key, and how to report back per input row. */
export interface MergePlan {
  /** The rows to stage: the last row of each key, in input order. */
  readonly rows: readonly Row[];
  /** The input row each staged row came from. */
  readonly origin: readonly number[];
  /** Input rows that cannot be merged (a key column without a value). */
  readonly rejected: readonly Rejection[];
  /** Input rows replaced by a later row with the same key in this load: loaded as far as their sender knows. */
  readonly superseded: number;
}

/**
 * A merge (TableLoad.keys) replaces the table's rows that have a staged row's key; within one load the
 * last row of a key wins, as if the rows were merged one after another. A row lacking a key value is
 * rejected: it could match nothing, so a re-delivery would load it twice.
 */
export function planMerge({ table, rows, keys }: TableLoad): MergePlan {
  const byKey = new Map<string, number>();
  const rejected: Rejection[] = [];
  rows.forEach((row, i) => {
    const values = keys!.map((k) => row[k]);
    const empty = keys!.find((_, j) => values[j] === undefined || values[j] === null);
    if (empty !== undefined) rejected.push({ row: i, reason: `table "${table}": the key column "${empty}" has no value, so the row cannot be merged` });
    else byKey.set(keyOf(values), i);
  });
  const origin = [...byKey.values()].sort((a, b) => a - b);
  return { rows: origin.map((i) => rows[i]), origin, rejected, superseded: rows.length - rejected.length - origin.length };
}

/**
 * A key's values as one string: JSON, which tells 1 from "1"; a replacer only when a BigInt needs
 * one (it makes JSON.stringify several times slower, and this runs per row).
 */
function keyOf(values: readonly unknown[]): string {
  for (const value of values) if (typeof value === 'bigint') return JSON.stringify(values, (_k, v: unknown) => (typeof v === 'bigint' ? { bigint: v.toString() } : v));
  return JSON.stringify(values);
}

/** The staged load's result, told per input row. */
export function mergeResult(plan: MergePlan, staged: LoadResult): LoadResult {
  return {
    loaded: staged.loaded + plan.superseded,
    rejected: [...plan.rejected, ...staged.rejected.map((r) => ({ ...r, row: plan.origin[r.row] }))].sort((a, b) => a.row - b.row),
  };
}

/** Key columns the table lacks (named as the load names them). */
export function missingKeyColumns(load: TableLoad): string[] {
  const names = new Set(load.columns.map((c) => c.name));
  return (load.keys ?? []).filter((k) => !names.has(k));
}
