import { HERO_PRODUCT, HERO_SHADES, localPrice, PRODUCTS, REGION_INFO, REGIONS, skuOf, type Product, type Region } from './catalog';
import { Random } from './random';
import { quarterOf, quarterRange, zonedToUtc } from './time';

/** What the store is made from: the same options give the same rows, on every machine. */
export interface StoreOptions {
  /** The random seed (default "conflux"). */
  readonly seed?: string;
  /** Order lines per region over the whole span, on average: each region sells its REGION_INFO volume times it. */
  readonly linesPerRegion: number;
  /** The span ends here (ms, exclusive): usually now. */
  readonly end: number;
  /** Whole quarters before the one `end` is in (default 4): the span starts at the first of them. */
  readonly quarters?: number;
}

/** One line of an order, as the store knows it before a regional database writes it its own way. */
export interface OrderLine {
  readonly region: Region;
  readonly lineId: number;
  readonly orderId: number;
  /** The order's UUID (the African shop keys orders by it). */
  readonly orderRef: string;
  readonly customerId: number;
  /** When the order was placed (ms, whole seconds). */
  readonly at: number;
  readonly sku: string;
  readonly product: string;
  readonly category: Product['category'];
  readonly shade: string;
  readonly quantity: number;
  /** In the region's currency. */
  readonly unitPrice: number;
  readonly currency: string;
}

export interface CartEvent {
  readonly region: Region;
  readonly eventId: number;
  readonly customerId: number;
  readonly at: number;
  readonly sku: string;
  readonly product: string;
  readonly shade: string;
  readonly action: 'add' | 'remove';
}

/** A day of one region's shop: its order lines and cart events, each in time order. */
export interface ShopDay {
  readonly lines: OrderLine[];
  readonly events: CartEvent[];
}

const DAY = 86_400_000;
/** Orders by hour of the local day: quiet nights, a lunch bump, the evening peak at 20–21 h. */
const HOUR_WEIGHTS = [2, 1, 1, 1, 1, 1, 2, 4, 6, 7, 8, 9, 12, 12, 9, 8, 8, 9, 11, 14, 18, 19, 13, 6];
/** Orders by day of week, Sunday first: weekends sell more. */
const DAY_WEIGHTS = [1.35, 0.9, 0.9, 0.95, 1, 1.1, 1.45];
/** The five shades the executives ask about sell more than the other shades. */
const shadeWeights = (product: Product) => product.shades.map((s) => (product.name === HERO_PRODUCT && (HERO_SHADES as readonly string[]).includes(s) ? 4 : 1));
const PRODUCT_WEIGHTS = PRODUCTS.map((p) => p.weight);
const SHADE_WEIGHTS = PRODUCTS.map(shadeWeights);

/** One item as customers choose them: a product by popularity, a shade (the named five favoured), and how many. */
export function sampleItem(random: Random): { product: Product; shade: string; sku: string; quantity: number } {
  const p = random.weighted(PRODUCT_WEIGHTS);
  const product = PRODUCTS[p];
  const shade = product.shades.length > 0 ? product.shades[random.weighted(SHADE_WEIGHTS[p])] : '';
  return { product, shade, sku: skuOf(product, shade), quantity: 1 + random.weighted([6, 3, 1]) };
}

/** A region's order lines over the span: the average times its volume. */
const regionLinesOf = (region: Region, options: StoreOptions) => Math.round(options.linesPerRegion * REGION_INFO[region].volume);

/** Customers of a region's shop: about one per eight lines. */
export const customersOf = (region: Region, options: StoreOptions) => Math.max(50, Math.round(regionLinesOf(region, options) / 8));

/** Where the span starts: the first day of the first of its quarters (UTC). */
export function spanStart(options: StoreOptions): number {
  let from = quarterRange(quarterOf(options.end))!.from;
  for (let q = 0; q < (options.quarters ?? 4); q++) from = quarterRange(quarterOf(from - 1))!.from;
  return from;
}

/**
 * One region's shop, day by day from the span's start to its end, so ten million lines never sit in
 * memory at once. Ids grow with time (as a shop's auto-increment keys do), customers come back, and a
 * share of the items put in a cart are taken out again later that day.
 */
export function* shopDays(region: Region, options: StoreOptions): Generator<ShopDay> {
  const random = new Random(`${options.seed ?? 'conflux'}/${region}`);
  const { timeZone, currency } = REGION_INFO[region];
  const regionLines = regionLinesOf(region, options);
  const start = spanStart(options);
  const days = Math.ceil((options.end - start) / DAY);
  // lines per day by weekday and a slow growth, rounded so they add up to the region's lines exactly
  const weights = Array.from({ length: days }, (_, d) => DAY_WEIGHTS[new Date(start + d * DAY).getUTCDay()] * (1 + (0.5 * d) / days));
  const total = weights.reduce((s, w) => s + w, 0);
  const customers = customersOf(region, options);
  let cumulative = 0;
  let lineId = 0;
  let orderId = 0;
  let eventId = 0;
  for (let d = 0; d < days; d++) {
    const before = Math.round((cumulative / total) * regionLines);
    cumulative += weights[d];
    let left = Math.round((cumulative / total) * regionLines) - before;
    const midnight = start + d * DAY; // the local day's wall clock, as if it were UTC
    const localTime = () => zonedToUtc(midnight + random.weighted(HOUR_WEIGHTS) * 3_600_000 + random.int(0, 3599) * 1000, timeZone);
    const orders: { at: number; lines: number }[] = [];
    while (left > 0) {
      const lines = Math.min(left, 1 + random.weighted([6, 3, 1]));
      orders.push({ at: localTime(), lines });
      left -= lines;
    }
    orders.sort((a, b) => a.at - b.at);
    const lines: OrderLine[] = [];
    for (const order of orders) {
      if (order.at >= options.end) break;
      orderId++;
      const orderRef = random.uuid();
      const customerId = random.int(1, customers);
      for (let i = 0; i < order.lines; i++) {
        const { product, shade, sku, quantity } = sampleItem(random);
        lines.push({ region, lineId: ++lineId, orderId, orderRef, customerId, at: order.at, sku, product: product.name, category: product.category, shade, quantity, unitPrice: localPrice(product.usd, currency), currency });
      }
    }
    // carts: about one item added per two lines sold; a third taken out again within three hours
    const picks: Omit<CartEvent, 'eventId'>[] = [];
    const carts = Math.round((lines.length + orders.length) / 2);
    for (let i = 0; i < carts; i++) {
      const at = localTime();
      const { product, shade, sku } = sampleItem(random);
      const item = { region, customerId: random.int(1, customers), sku, product: product.name, shade };
      picks.push({ ...item, at, action: 'add' });
      if (random.chance(0.35)) picks.push({ ...item, at: at + random.int(60, 3 * 3600) * 1000, action: 'remove' });
    }
    picks.sort((a, b) => a.at - b.at);
    const events = picks.filter((e) => e.at < options.end).map((e) => ({ ...e, eventId: ++eventId }));
    yield { lines, events };
  }
}

/** Every region's rows at once (tests compute their ground truth from them): small stores only. */
export function storeRows(options: StoreOptions): { lines: OrderLine[]; events: CartEvent[] } {
  const rows = { lines: [] as OrderLine[], events: [] as CartEvent[] };
  for (const region of REGIONS) {
    for (const day of shopDays(region, options)) {
      rows.lines.push(...day.lines);
      rows.events.push(...day.events);
    }
  }
  return rows;
}
