import { z } from 'zod';
import { defineService, fileRootProblem } from '../../../sdk';

export const sqlitePoolSpec = defineService({
  type: 'SQLitePool',
  kind: 'sql',
  summary: 'An embedded SQLite database file (no server), for the SQL processors of the flow: read with QueryDatabaseTable, written with PutDatabaseRecord, scripted with ExecuteSQL.',
  properties: z.object({
    path: z
      .string()
      .trim()
      .min(1, 'a database file is required')
      // a service spec has no cross-field validate(): the file roots are checked on the property itself
      .superRefine((file, ctx) => {
        const outside = fileRootProblem(file, 'Database file');
        if (outside) ctx.addIssue({ code: 'custom', message: outside });
      })
      .meta({
        destination: true,
        label: 'Database file',
        description: 'The SQLite file (created with its folder when missing), inside the allowed file roots (CONFLUX_FILE_ROOTS; ./data by default).',
        placeholder: './data/shop_eu.db',
        order: 1,
      }),
    busyTimeoutMs: z
      .number()
      .int()
      .min(0)
      .max(600_000)
      .default(5_000)
      .meta({
        label: 'Busy timeout (ms)',
        description: 'How long a statement waits for another program that is writing the file before it fails (and the batch is retried).',
        order: 2,
      }),
  }),
});
