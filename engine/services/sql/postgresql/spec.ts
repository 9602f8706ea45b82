import { defineService } from '../../../sdk';
import { poolProperties } from '../pool-properties';

export const postgresqlPoolSpec = defineService({
  type: 'PostgreSQLPool',
  kind: 'sql',
  summary: 'A pool of connections to a PostgreSQL database, shared by the SQL processors of the flow.',
  properties: poolProperties({ port: 5432, user: 'postgres' }),
});
