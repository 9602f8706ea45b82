import { z } from 'zod';
import { defineService } from '../../../sdk';

export const duckdbWarehouseSpec = defineService({
  type: 'DuckDBWarehouse',
  kind: 'warehouse',
  summary: 'An embedded DuckDB database file: a warehouse with nothing to install, loaded with DuckDB\'s appender.',
  properties: z.object({
    path: z
      .string()
      .min(1, 'a database file is required')
      .default('./data/warehouse.duckdb')
      .meta({
        label: 'Database file',
        description:
          'Path of the DuckDB file, relative to the server\'s working directory; created (with its folder) if missing. ' +
          '":memory:" keeps the database in memory until the flow stops. Another program holding the file open blocks loads until it lets go.',
        placeholder: './data/warehouse.duckdb',
        order: 1,
      }),
  }),
});
