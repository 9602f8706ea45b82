import Database from 'better-sqlite3';
import { localPrice, REGION_INFO, REGIONS, type Region } from './catalog';
import { customersOf, sampleItem, type StoreOptions } from './generate';
import { Random } from './random';
import { insertRowSql, orderLinesTable } from './regional-tables';
import { regionFile } from './seed-sqlite';

export interface SimulatorOptions {
  /** The regional SQLite shops' folder. */
  readonly directory: string;
  /** What the shops were seeded with (their customers). */
  readonly store: StoreOptions;
  /** Where cart events are posted, once the webhook listens (undefined: not yet, skip). */
  readonly webhookUrl: () => string | undefined;
  /** How often the shops sell and carts change (ms, default 5 s). */
  readonly everyMs?: number;
}

/** A live cart event as the shop's website posts it: already in the warehouse's shape (UTC, an id of its own). */
export interface WebCartEvent {
  readonly region: Region;
  readonly event_id: string;
  readonly customer_id: number;
  readonly event_at: string;
  readonly sku: string;
  readonly product: string;
  readonly shade: string;
  readonly action: 'add' | 'remove';
}

/**
 * The store keeps trading while Conflux runs: every few seconds each regional shop takes a few new
 * orders (rows appended to its own database, in its own format, with the next ids, which the flow's
 * watermark then picks up) and the website posts cart events to the flow's webhook. Stop it with the
 * returned function; CONFLUX_SHOP_SIMULATOR=0 keeps it off.
 */
export function startSimulator(options: SimulatorOptions): () => void {
  const random = new Random(`live/${Date.now()}`);
  const every = options.everyMs ?? 5_000;
  let webEvents = 0;
  const tick = async () => {
    for (const region of REGIONS) {
      try {
        sell(region, random, options);
      } catch (error) {
        console.error(`the store simulator could not add orders to ${region}: ${(error as Error).message}`);
      }
    }
    const url = options.webhookUrl();
    if (!url) return;
    const events = Array.from({ length: random.int(1, 4) }, () => cartEvent(random, options.store, `web-${Date.now().toString(36)}-${++webEvents}`));
    // a removal follows some adds, as on the website
    for (const event of [...events]) if (event.action === 'add' && random.chance(0.35)) events.push({ ...event, event_id: `${event.event_id}-r`, action: 'remove', event_at: new Date(Date.now() + 1000).toISOString() });
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: events.map((e) => JSON.stringify(e)).join('\n') }).catch(() => undefined);
  };
  const timer = setInterval(() => void tick(), every);
  timer.unref();
  return () => clearInterval(timer);
}

/** One to three new orders in a region's shop, written the way that shop writes them. */
function sell(region: Region, random: Random, { directory, store }: SimulatorOptions): void {
  const db = new Database(regionFile(directory, region));
  try {
    db.pragma('busy_timeout = 2000');
    const table = orderLinesTable(region);
    const insert = db.prepare(insertRowSql(table));
    const { currency } = REGION_INFO[region];
    db.transaction(() => {
      const last = db.prepare('SELECT COALESCE(MAX(line_id), 0) AS line FROM order_lines').get() as { line: number };
      let lineId = last.line;
      for (let o = random.int(1, 3); o > 0; o--) {
        // order ids follow line ids here: a live order's id only has to be new
        const orderId = lineId + 1;
        const orderRef = random.uuid();
        const customerId = random.int(1, customersOf(region, store));
        for (let i = random.int(1, 3); i > 0; i--) {
          const { product, shade, sku, quantity } = sampleItem(random);
          const line = { region, lineId: ++lineId, orderId, orderRef, customerId, at: Math.floor(Date.now() / 1000) * 1000, sku, product: product.name, category: product.category, shade, quantity, unitPrice: localPrice(product.usd, currency), currency };
          insert.run(table.values(line));
        }
      }
    })();
  } finally {
    db.close();
  }
}

function cartEvent(random: Random, store: StoreOptions, id: string): WebCartEvent {
  const region = random.pick(REGIONS);
  const { product, shade, sku } = sampleItem(random);
  return { region, event_id: id, customer_id: random.int(1, customersOf(region, store)), event_at: new Date().toISOString(), sku, product: product.name, shade, action: 'add' };
}
