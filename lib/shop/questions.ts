import { HERO_PRODUCT, HERO_SHADES, REGION_INFO, REGIONS } from './catalog';

/**
 * The executives' four questions (../shared/seed) as SQL over the warehouse the shipped flow loads
 * (DuckDB; tables `sales` and `cart_events`), and their answers in one shape, which the ground truth
 * (./truth.ts) computes from the generator's own rows without the warehouse.
 */

/** A period of the calendar, [from, to) in ms (UTC); undefined bounds are open. */
export interface Period {
  readonly from?: number;
  readonly to?: number;
}

export interface Answers {
  /** 1. Units of the hero product per named shade, in shade order, and their total. */
  readonly shades: { shade: string; units: number }[];
  readonly totalUnits: number;
  /** 2. Foundation products per region, most units first: units and revenue in US dollars. */
  readonly regions: { region: string; units: number; revenueUsd: number }[];
  /** 3. Units of the hero shades by day of week (0 Sunday) × hour: UTC, and each region's local time. */
  readonly heat: { utc: number[][]; local: number[][] };
  /** 4. Users who put a hero shade in their cart and later took it out: how many, and who. */
  readonly cart: { users: number; list: { region: string; customerId: number; shades: string; lastRemovedAt: string }[] };
}

export const WAREHOUSE_TABLES = { sales: 'sales', cart: 'cart_events' } as const;

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
const HERO = `product = ${literal(HERO_PRODUCT)} AND shade IN (${HERO_SHADES.map(literal).join(', ')})`;
const REGION_ZONES = `(VALUES ${REGIONS.map((r) => `(${literal(r)}, ${literal(REGION_INFO[r].timeZone)})`).join(', ')}) AS zones(region, zone)`;

function within(column: string, { from, to }: Period): string {
  const bounds = [from !== undefined && `${column} >= TIMESTAMPTZ ${literal(new Date(from).toISOString())}`, to !== undefined && `${column} < TIMESTAMPTZ ${literal(new Date(to).toISOString())}`];
  return bounds.filter(Boolean).join(' AND ') || 'TRUE';
}

/** The SQL of each question for a period: what the Questions page runs and shows beside each chart. */
export function questionSql(period: Period) {
  const { sales, cart } = WAREHOUSE_TABLES;
  return {
    shades: `SELECT shade, SUM(quantity) AS units
FROM ${sales}
WHERE ${HERO}
  AND ${within('ordered_at', period)}
GROUP BY shade
ORDER BY shade`,
    regions: `SELECT region, SUM(quantity) AS units, ROUND(SUM(revenue_usd), 2) AS revenue_usd
FROM ${sales}
WHERE category = 'foundation'
  AND ${within('ordered_at', period)}
GROUP BY region
ORDER BY units DESC, region`,
    heat: `SELECT 'utc' AS clock, dayofweek(timezone('UTC', ordered_at)) AS dow, hour(timezone('UTC', ordered_at)) AS hour, SUM(quantity) AS units
FROM ${sales}
WHERE ${HERO} AND ${within('ordered_at', period)}
GROUP BY ALL
UNION ALL
SELECT 'local', dayofweek(timezone(zone, ordered_at)), hour(timezone(zone, ordered_at)), SUM(quantity)
FROM ${sales} JOIN ${REGION_ZONES} USING (region)
WHERE ${HERO} AND ${within('ordered_at', period)}
GROUP BY ALL`,
    cart: `WITH hero AS (SELECT * FROM ${cart} WHERE ${HERO}),
removed AS (
  SELECT r.region, r.customer_id, r.shade, r.event_at
  FROM hero r
  WHERE r.action = 'remove' AND ${within('r.event_at', period)}
    AND EXISTS (SELECT 1 FROM hero a
                WHERE a.action = 'add' AND a.region = r.region AND a.customer_id = r.customer_id
                  AND a.sku = r.sku AND a.event_at < r.event_at))
SELECT region, customer_id, string_agg(DISTINCT shade, ', ' ORDER BY shade) AS shades, max(event_at) AS last_removed_at
FROM removed
GROUP BY region, customer_id
ORDER BY last_removed_at DESC, region, customer_id`,
  };
}

/** How current the answers are: rows, the latest order and the last load, per region. */
export const FRESHNESS_SQL = `SELECT region, COUNT(*) AS rows, max(ordered_at) AS latest_order, max(loaded_at) AS last_load
FROM ${WAREHOUSE_TABLES.sales}
GROUP BY region
ORDER BY region`;

/** The quarters (UTC) the warehouse has sales in, newest first. */
export const QUARTERS_SQL = `SELECT DISTINCT year(timezone('UTC', ordered_at)) || '-Q' || quarter(timezone('UTC', ordered_at)) AS quarter
FROM ${WAREHOUSE_TABLES.sales}
ORDER BY quarter DESC`;

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/** Run the four questions against a warehouse (`query` answers rows as JSON values). */
export async function answerQuestions(query: Query, period: Period): Promise<Answers> {
  const sql = questionSql(period);
  const [shadeRows, regionRows, heatRows, cartRows] = await Promise.all([query(sql.shades), query(sql.regions), query(sql.heat), query(sql.cart)]);
  const units = new Map(shadeRows.map((r) => [String(r.shade), Number(r.units)]));
  const shades = [...HERO_SHADES].sort().map((shade) => ({ shade, units: units.get(shade) ?? 0 }));
  const heat = { utc: emptyHeat(), local: emptyHeat() };
  for (const r of heatRows) heat[r.clock as 'utc' | 'local'][Number(r.dow)][Number(r.hour)] += Number(r.units);
  return {
    shades,
    totalUnits: shades.reduce((sum, s) => sum + s.units, 0),
    regions: regionRows.map((r) => ({ region: String(r.region), units: Number(r.units), revenueUsd: Number(r.revenue_usd) })),
    heat,
    cart: {
      users: cartRows.length,
      list: cartRows.map((r) => ({ region: String(r.region), customerId: Number(r.customer_id), shades: String(r.shades), lastRemovedAt: String(r.last_removed_at) })),
    },
  };
}

export const emptyHeat = () => Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
