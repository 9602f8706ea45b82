import { existsSync } from 'node:fs';
import type { ListenHttpView } from '../../engine/processors/listen-http/runtime';
import { REGIONS } from '../shop/catalog';
import { SHOP_CART_TOPIC, SHOP_FLOW_NAME, SHOP_SERVERS_FLOW_NAME, shopFlow, shopDirectory } from '../shop/flow';
import { prepareWarehouse, shopServersFromEnv, warehouseOf } from '../shop/seed-servers';
import { regionFile } from '../shop/seed-sqlite';
import { startSimulator } from '../shop/simulator';
import { seedSqlite } from '../shop/seed-sqlite';
import { demoFlow, demoWarehousePath } from './demo-flow';
import type { FlowService } from './flow-service';

/** Order lines per region in the embedded shops of a new installation (CONFLUX_SHOP_LINES). */
const shopLines = () => Number(process.env.CONFLUX_SHOP_LINES ?? 20_000);
/** Where the seeded history ends: now, or CONFLUX_SHOP_END (an ISO time) for a reproducible store. */
const shopEnd = () => (process.env.CONFLUX_SHOP_END ? Date.parse(process.env.CONFLUX_SHOP_END) : Date.now());

/**
 * A new installation opens on the seed's job: four regional shops (embedded SQLite files, seeded
 * over the last five quarters up to now), the shipped flow that loads them into the warehouse, set
 * running (the server starts it once it listens), and the back-pressure demo beside it, stopped.
 */
export async function installShowcase(service: FlowService): Promise<void> {
  const directory = shopDirectory();
  const seeded = seedSqlite(directory, { linesPerRegion: shopLines(), end: shopEnd() });
  const lines = seeded.reduce((sum, s) => sum + s.lines, 0);
  if (lines > 0) console.log(`Seeded the store's four regional shops in ${directory}: ${lines.toLocaleString('en-US')} order lines`);
  const webhookPort = Number(process.env.CONFLUX_SHOP_WEBHOOK_PORT ?? 8081);
  const flow = await service.importFlow(shopFlow({ warehouse: demoWarehousePath(), shops: { directory }, webhookPort }));
  await service.store.setRunState(
    flow.id,
    flow.processors.map((p) => p.id),
    'RUNNING',
  );
  await service.importFlow(demoFlow());
}

/**
 * While the server runs, the embedded store keeps trading (lib/shop/simulator.ts): new orders in the
 * regional shops, cart events posted to the shipped flow's webhook. Off with CONFLUX_SHOP_SIMULATOR=0,
 * and when the shops or the flow are gone. Returns how to stop it.
 */
export async function simulateShowcase(service: FlowService): Promise<(() => void) | undefined> {
  const directory = shopDirectory();
  if (process.env.CONFLUX_SHOP_SIMULATOR === '0' || !REGIONS.every((region) => existsSync(regionFile(directory, region)))) return undefined;
  const flow = (await service.listFlows()).find((f) => f.name === SHOP_FLOW_NAME);
  if (!flow) return undefined;
  const webhook = (await service.getFlow(flow.id)).processors.find((p) => p.type === 'ListenHTTP');
  const webhookUrl = () => {
    if (!webhook || !service.engine.isRunning(flow.id, webhook.id)) return undefined;
    const view = service.engine.stats(flow.id).processors[webhook.id]?.view as ListenHttpView | undefined;
    return view?.port ? `http://127.0.0.1:${view.port}${view.basePath}` : undefined;
  };
  const stop = startSimulator({ directory, store: { linesPerRegion: shopLines(), end: Date.now() }, webhookUrl, everyMs: Number(process.env.CONFLUX_SHOP_SIMULATOR_MS ?? 5_000) });
  console.log(`The store simulator adds orders to the shops in ${directory} and posts cart events to the flow's webhook (CONFLUX_SHOP_SIMULATOR=0 turns it off)`);
  return stop;
}

/**
 * With CONFLUX_SHOP_SERVERS=1 (after `npm run shop:servers`), the second version of the shipped flow
 * is added once, stopped: it extracts from MariaDB and PostgreSQL and loads a PostgreSQL warehouse;
 * with CONFLUX_SHOP_KAFKA (brokers) cart events also stream in from the topic shop-cart-events.
 */
export async function installServersShowcase(service: FlowService): Promise<void> {
  if (process.env.CONFLUX_SHOP_SERVERS !== '1') return;
  if ((await service.listFlows()).some((f) => f.name === SHOP_SERVERS_FLOW_NAME)) return;
  const servers = shopServersFromEnv();
  const warehouse = warehouseOf(servers);
  await prepareWarehouse(servers);
  const brokers = process.env.CONFLUX_SHOP_KAFKA;
  await service.importFlow(
    shopFlow({
      warehouse,
      shops: { servers },
      webhookPort: Number(process.env.CONFLUX_SHOP_WEBHOOK_PORT ?? 8081) + 1,
      ...(brokers && { cartTopic: { brokers, topic: SHOP_CART_TOPIC } }),
    }),
  );
  console.log(`Added the flow "${SHOP_SERVERS_FLOW_NAME}" (stopped): it loads the shops on MariaDB and PostgreSQL into the PostgreSQL database ${warehouse.database}${brokers ? `, with cart events from Kafka (${SHOP_CART_TOPIC} on ${brokers})` : ''}`);
}
