import { z } from 'zod';
import { defineProcessor, serviceRef } from '../../sdk';

export const putDatabaseRecordSpec = defineProcessor({
  type: 'PutDatabaseRecord',
  version: 1,
  category: 'Sinks',
  summary:
    'Writes records into a table as rows (insert, upsert or update), many rows per statement, one transaction per batch; bad rows go to failure, the rest are committed.',
  input: 'required',
  properties: z.object({
    database: serviceRef('sql').meta({ description: 'The PostgreSQL or MySQL pool to write to.', order: 1 }),
    table: z
      .string()
      .trim()
      .min(1, 'a table is required')
      .meta({ label: 'Table', description: 'Table to write to; `schema.table` is accepted.', placeholder: 'orders', order: 2 }),
    mode: z
      .enum(['insert', 'upsert', 'update'])
      .default('insert')
      .meta({
        label: 'Mode',
        description:
          'insert: new rows (a duplicate key is a failure). upsert: insert, or update the row with the same key, so a retried batch writes nothing twice. update: change existing rows found by key (a record matching no row changes nothing).',
        order: 3,
      }),
    keyColumns: z
      .string()
      .trim()
      .default('')
      .meta({
        label: 'Key columns',
        description:
          "For upsert and update: comma-separated columns that identify a row; empty uses the table's primary key. (MySQL upserts on whichever unique key conflicts; the key columns are then left as they are.)",
        placeholder: 'id',
        order: 4,
      }),
    statementRows: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(500)
      .meta({ label: 'Rows per statement', description: 'Rows written by one multi-row statement; a batch is written as several of them in one transaction.', order: 5 }),
    unmatchedFields: z
      .enum(['ignore', 'fail'])
      .default('ignore')
      .meta({
        label: 'Fields without a column',
        description: 'ignore: fields the table has no column for are left out. fail: such a record goes to failure, naming the field.',
        order: 6,
      }),
  }),
  relationships: [
    { name: 'success', description: 'Records written (committed) to the table.' },
    { name: 'failure', description: "Records the database refused (duplicate key, NULL in a NOT NULL column, bad value …), with its message in error.message." },
  ],
});
