import type { Field, RecordSchema } from '../../records/schema';
import type { Column, TablePolicy } from './types';

/**
 * The DDL a table needs before a schema's records can load: what ensureTable runs, per engine.
 * `widen`: integer columns that must become double (their new type is the field's).
 */
export type TablePlan = { readonly create: readonly Field[] } | { readonly add: readonly Field[]; readonly widen: readonly Field[] };

/**
 * Decide, the same way for every warehouse, what to do for a table (its columns, or undefined when it
 * does not exist) to take records of this schema: create it, add the fields it lacks and widen the
 * integer columns that now receive fractions, or nothing. No other change is made to a column (see
 * the policy in types.ts): a narrower or unrelated type is the load's to refuse, record by record.
 * New columns are nullable.
 */
export function planTable(table: string, existing: readonly Column[] | undefined, schema: RecordSchema, policy: TablePolicy): TablePlan {
  if (!existing) {
    if (!policy.create) throw new Error(`table "${table}" does not exist and table creation is off`);
    if (schema.fields.length === 0) throw new Error(`cannot create table "${table}": the records have no fields`);
    return { create: schema.fields.map(nullable) };
  }
  if (!policy.addColumns) return { add: [], widen: [] };
  const columns = new Map(existing.map((c) => [c.name, c]));
  return {
    add: schema.fields.filter((f) => !columns.has(f.name)).map(nullable),
    widen: schema.fields.filter((f) => f.type === 'double' && columns.get(f.name)?.type === 'integer'),
  };
}

export const isNothingToDo = (plan: TablePlan) => 'add' in plan && plan.add.length === 0 && plan.widen.length === 0;

const nullable = (field: Field): Field => ({ ...field, nullable: true });
