import { z } from 'zod';
import { defineService } from '../../../sdk';

export const postgresWarehouseSpec = defineService({
  type: 'PostgreSQLWarehouse',
  kind: 'warehouse',
  summary: 'Tables in a PostgreSQL database, loaded with COPY in one transaction per batch.',
  properties: z.object({
    host: z.string().min(1, 'a host is required').default('127.0.0.1').meta({ destination: true, label: 'Host', order: 1 }),
    port: z.number().int().min(1).max(65535).default(5432).meta({ destination: true, label: 'Port', order: 2 }),
    database: z.string().min(1, 'a database is required').meta({ destination: true, label: 'Database', placeholder: 'warehouse', order: 3 }),
    user: z.string().min(1, 'a user is required').default('postgres').meta({ destination: true, label: 'User', order: 4 }),
    password: z.string().default('').meta({ label: 'Password', sensitive: true, order: 5 }),
    schema: z
      .string()
      .min(1)
      .default('public')
      .meta({ label: 'Schema', description: 'Where tables are created and looked up; created if missing when a table is created.', order: 6 }),
  }),
});
