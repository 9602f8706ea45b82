import { defineService } from '../../../sdk';
import { poolProperties } from '../pool-properties';

export const mysqlPoolSpec = defineService({
  type: 'MySQLPool',
  kind: 'sql',
  summary: 'A pool of connections to a MySQL or MariaDB database, shared by the SQL processors of the flow.',
  properties: poolProperties({ port: 3306, user: 'root' }),
});
