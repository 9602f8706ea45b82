/**
 * `npm run shop:servers -- [--lines 20000] [--reset]`: seed the store into real servers, Europe and
 * Asia on MariaDB, Africa and North America on PostgreSQL (databases shop_europe, shop_asia,
 * shop_africa, shop_north_america; CONFLUX_SHOP_MYSQL_URL and CONFLUX_SHOP_POSTGRES_URL say where,
 * this machine's servers by default). Then `CONFLUX_SHOP_SERVERS=1 npm start` adds the flow that
 * extracts from them.
 */
import { seedServers, shopServersFromEnv } from '../lib/shop/seed-servers';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const linesPerRegion = Number(arg('lines') ?? 20_000);
const started = Date.now();
const seeded = await seedServers(shopServersFromEnv(), { linesPerRegion, end: Date.now() }, { reset: process.argv.includes('--reset') });
for (const { region, lines, events } of seeded) {
  console.log(lines > 0 ? `${region}: ${lines.toLocaleString('en-US')} order lines, ${events.toLocaleString('en-US')} cart events` : `${region}: already has order lines, left as it is (--reset replaces them)`);
}
console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s; start Conflux with CONFLUX_SHOP_SERVERS=1 to add the flow that extracts from them`);
