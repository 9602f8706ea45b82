import { z } from 'zod';
import { defineProcessor, serviceRef, type ValidationIssue } from '../../sdk';

/** `${name}` in a table name: filled with the record's attribute `name`. */
const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** The attributes a table name refers to; a placeholder left open or empty is an error. */
export function tableNameAttributes(template: string): { attributes: string[] } | { error: string } {
  const attributes = [...template.matchAll(PLACEHOLDER)].map((m) => m[1].trim());
  if (attributes.some((a) => a === '')) return { error: 'a ${} placeholder needs an attribute name' };
  if (template.replace(PLACEHOLDER, '').includes('${')) return { error: 'a ${ placeholder is not closed' };
  return { attributes };
}

/** The table name for a record's attributes, or the first attribute it needs and lacks. */
export function tableNameFor(template: string, attributes: Readonly<Record<string, string>>): { table: string } | { missing: string } {
  let missing: string | undefined;
  const table = template.replace(PLACEHOLDER, (_, name: string) => {
    const value = attributes[name.trim()];
    if (value === undefined || value === '') missing ??= name.trim();
    return value ?? '';
  });
  return missing === undefined ? { table } : { missing };
}

export const keyColumnsOf = (text: string) => text.split(',').map((k) => k.trim()).filter(Boolean);

export const putWarehouseSpec = defineProcessor({
  type: 'PutWarehouse',
  version: 1,
  category: 'Sinks',
  summary: 'Loads records into warehouse tables, one transaction per batch, appending or merging on a key; creates tables from the records and adds columns for new fields.',
  input: 'required',
  // a load pays per batch (a transaction, a staging table, a merge): 10,000 rows load ~2× as fast as 1,000 (bench/shop.ts)
  defaultBatchSize: 10_000,
  properties: z.object({
    warehouse: serviceRef('warehouse').meta({
      description:
        'The warehouse to load into (DuckDB, PostgreSQL). Each batch is one transaction (a staging table and a merge, or an append): batches of 10,000, the default, load about twice as fast as batches of 1,000.',
      order: 1,
    }),
    table: z
      .string()
      .trim()
      .min(1, 'a table is required')
      .meta({
        label: 'Table',
        description: 'The table to load. ${attribute} takes part of the name from each record, e.g. orders_${region}; a record without the attribute goes to failure.',
        placeholder: 'orders',
        order: 2,
      }),
    createTable: z
      .boolean()
      .default(true)
      .meta({ label: 'Create table', description: 'Create a missing table from the records: one nullable column per field, typed from the values.', order: 3 }),
    schemaEvolution: z
      .enum(['add-columns', 'ignore', 'fail'])
      .default('add-columns')
      .meta({
        label: 'New fields',
        description:
          'When records have fields the table lacks. add-columns: add nullable columns (older rows read NULL), and widen an ' +
          'integer column to a double when records bring fractions (a table created from whole prices then takes 9.99); ignore: ' +
          'load the known fields only; fail: send those records to failure. No other type change is made: a value that does not ' +
          'convert to its column (a word in a BIGINT) sends its record to failure.',
        order: 4,
      }),
    mode: z
      .enum(['append', 'merge'])
      .default('append')
      .meta({
        label: 'Mode',
        description:
          'append: every record becomes a new row, so a record delivered again after a crash or a retry is loaded twice. ' +
          'merge: a record replaces the rows with its key (deleted and inserted in the batch\'s transaction; no unique constraint needed), ' +
          'so a re-delivery changes nothing; within a batch the last record of a key wins.',
        order: 5,
      }),
    keyColumns: z
      .string()
      .trim()
      .default('')
      .meta({ label: 'Key columns', description: 'For merge: comma-separated fields that identify a row, e.g. region, order_id.', placeholder: 'order_id', order: 6 }),
  }),
  relationships: [
    { name: 'success', description: 'Records loaded (committed) into the warehouse.' },
    { name: 'failure', description: 'Records that could not be loaded: not an object, a value its column cannot hold, a missing table-name attribute (reason in error.message).' },
  ],
  validate: (props) => {
    const issues: ValidationIssue[] = [];
    const parsed = tableNameAttributes(props.table);
    if ('error' in parsed) issues.push({ property: 'table', message: parsed.error });
    if (props.mode === 'merge' && keyColumnsOf(props.keyColumns).length === 0) issues.push({ property: 'keyColumns', message: 'merge needs at least one key column' });
    return issues;
  },
});
