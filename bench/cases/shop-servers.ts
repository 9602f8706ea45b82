import type { ShopServers } from '../../lib/shop/seed-servers';

/** Where the store benchmark's shops live: this machine's MariaDB and PostgreSQL, databases bench_shop_*. */
export const BENCH_SERVERS: ShopServers = {
  mysql: { host: '127.0.0.1', port: 3306, user: 'root', password: '' },
  postgresql: { host: '127.0.0.1', port: 5432, user: 'postgres', password: '' },
  prefix: 'bench_shop_',
};
