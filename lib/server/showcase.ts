import { shopFlow, shopDirectory } from '../shop/flow';
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
  const flow = await service.importFlow(shopFlow({ warehouse: demoWarehousePath(), shopDirectory: directory, webhookPort }));
  await service.store.setRunState(
    flow.id,
    flow.processors.map((p) => p.id),
    'RUNNING',
  );
  await service.importFlow(demoFlow());
}
