import { z } from 'zod';
import { defineService, fileRootProblem, FILE_ROOTS_NOTE } from '../../../sdk';

/** DuckDB's name for a database kept in memory, never a file. */
export const IN_MEMORY = ':memory:';

export const duckdbWarehouseSpec = defineService({
  type: 'DuckDBWarehouse',
  kind: 'warehouse',
  summary: 'An embedded DuckDB database file: a warehouse with nothing to install, loaded with DuckDB\'s appender.',
  properties: z.object({
    path: z
      .string()
      .min(1, 'a database file is required')
      // a service spec has no cross-field validate(): the file roots are checked on the property itself
      .superRefine((file, ctx) => {
        const outside = file === IN_MEMORY ? undefined : fileRootProblem(file, 'Database file');
        if (outside) ctx.addIssue({ code: 'custom', message: outside });
      })
      .default('./data/warehouse.duckdb')
      .meta({
        label: 'Database file',
        description:
          'Path of the DuckDB file, relative to the server\'s working directory; created (with its folder) if missing. ' +
          '":memory:" keeps the database in memory until the flow stops. Another program holding the file open blocks loads until it lets go. ' +
          FILE_ROOTS_NOTE,
        placeholder: './data/warehouse.duckdb',
        order: 1,
      }),
  }),
});
