/**
 * `npm run shop:servers -- [--lines 20000] [--reset]`: seed the store into real servers, Europe and
 * Asia on MariaDB, Africa and North America on PostgreSQL (databases shop_europe, shop_asia,
 * shop_africa, shop_north_america; CONFLUX_SHOP_MYSQL_URL and CONFLUX_SHOP_POSTGRES_URL say where,
 * this machine's servers by default), and the warehouse database shop_warehouse on PostgreSQL. Then `CONFLUX_SHOP_SERVERS=1 npm start` adds the flow that
 * extracts from them.
 */
import { prepareWarehouse, seedServers, shopServersFromEnv, warehouseOf } from '../lib/shop/seed-servers';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const linesPerRegion = Number(arg('lines') ?? 20_000);
const started = Date.now();
const servers = shopServersFromEnv();
const reset = process.argv.includes('--reset');
const seeded = await seedServers(servers, { linesPerRegion, end: Date.now() }, { reset });
await prepareWarehouse(servers, { reset });
for (const { region, lines, events } of seeded) {
  console.log(lines > 0 ? `${region}: ${lines.toLocaleString('en-US')} order lines, ${events.toLocaleString('en-US')} cart events` : `${region}: already has order lines, left as it is (--reset replaces them)`);
}
console.log(`the warehouse: PostgreSQL database ${warehouseOf(servers).database}${reset ? ' (emptied)' : ''}`);
console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s; start Conflux with CONFLUX_SHOP_SERVERS=1 to add the flow that extracts from them`);
