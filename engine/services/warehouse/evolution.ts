import type { Field, RecordSchema } from '../../records/schema';
import type { Column, TablePolicy } from './types';

/** The DDL a table needs before a schema's records can load: what ensureTable runs, per engine. */
export type TablePlan = { readonly create: readonly Field[] } | { readonly add: readonly Field[] };

/**
 * Decide, the same way for every warehouse, what to do for a table (its columns, or undefined when it
 * does not exist) to take records of this schema: create it, add the fields it lacks, or nothing
 * (add: []). Columns are never altered (see the policy in types.ts). New columns are nullable.
 */
export function planTable(table: string, existing: readonly Column[] | undefined, schema: RecordSchema, policy: TablePolicy): TablePlan {
  if (!existing) {
    if (!policy.create) throw new Error(`table "${table}" does not exist and table creation is off`);
    if (schema.fields.length === 0) throw new Error(`cannot create table "${table}": the records have no fields`);
    return { create: schema.fields.map(nullable) };
  }
  if (!policy.addColumns) return { add: [] };
  const known = new Set(existing.map((c) => c.name));
  return { add: schema.fields.filter((f) => !known.has(f.name)).map(nullable) };
}

const nullable = (field: Field): Field => ({ ...field, nullable: true });
