import { z } from 'zod';
import { defineProcessor, serviceRef } from '../../sdk';

export const queryDatabaseTableSpec = defineProcessor({
  type: 'QueryDatabaseTable',
  version: 1,
  category: 'Sources',
  summary:
    'Reads new rows of a table incrementally, one page per trigger, ordered by a max-value column (an id or updated_at) whose last value is remembered across restarts.',
  input: 'forbidden',
  triggerSerially: true,
  // a page is a round trip and an ordered scan: pages of 10,000 read a large table several times faster than pages of 1,000
  defaultBatchSize: 10_000,
  properties: z.object({
    database: serviceRef('sql').meta({ description: 'The PostgreSQL or MySQL pool to read from.', order: 1 }),
    table: z
      .string()
      .trim()
      .min(1, 'a table is required')
      .meta({ label: 'Table', description: 'Table (or view) to read; `schema.table` is accepted.', placeholder: 'orders', order: 2 }),
    maxValueColumn: z
      .string()
      .trim()
      .min(1, 'a max-value column is required')
      .meta({
        label: 'Max-value column',
        description:
          'A column that only grows for new or changed rows (an id, updated_at). Rows are read in its order and the last value read is kept, so the next run reads only rows after it. Rows where it is NULL are not read.',
        placeholder: 'updated_at',
        order: 3,
      }),
    tieBreaker: z
      .string()
      .trim()
      .default('')
      .meta({
        label: 'Tie-breaker columns',
        description:
          "Comma-separated columns that, with the max-value column, identify a row, so rows sharing a max value are neither skipped nor read twice when a page ends among them. Empty: the table's primary key. Name the max-value column itself if it is unique.",
        placeholder: 'id',
        order: 4,
      }),
    columns: z
      .string()
      .trim()
      .default('')
      .meta({ label: 'Columns', description: 'Comma-separated columns to read; empty reads every column, including columns added later (the table is described again each time it is read to its end).', placeholder: 'id, sku, qty, updated_at', order: 5 }),
    where: z
      .string()
      .trim()
      .default('')
      .meta({
        label: 'Extra condition',
        description:
          "An SQL condition ANDed to the query, e.g. region = 'EU'. It is trusted SQL written by the flow's author, used as written: never put record data or other untrusted text in it.",
        placeholder: "status <> 'cancelled'",
        multiline: true,
        order: 6,
      }),
    pageSize: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(10_000)
      .meta({
        label: 'Page size',
        description: "Rows read per trigger (at most the processor's batch size). A large table is loaded page by page, never whole in memory.",
        order: 7,
      }),
    pollIntervalMs: z
      .number()
      .int()
      .min(0)
      .max(86_400_000)
      .default(10_000)
      .meta({
        label: 'Poll interval (ms)',
        description:
          'Once caught up (a page came back short), wait this long before looking for new rows. With TIMER or CRON scheduling the schedule decides instead: one page per scheduled run.',
        order: 8,
      }),
  }),
  relationships: [
    {
      name: 'success',
      description:
        'One record per row, its columns as JSON: integers beyond 2^53 and decimals as exact strings, dates and times as the database writes them (in UTC), binary as base64. Attributes sql.table and sql.database.type.',
    },
  ],
});
