import { HERO_PRODUCT, HERO_SHADES, REGION_INFO, REGIONS } from './catalog';

/**
 * The executives' four questions (../shared/seed) as SQL over the warehouse the shipped flow loads
 * (tables `sales` and `cart_events`, in DuckDB or PostgreSQL), and their answers in one shape, which
 * the ground truth (./truth.ts) computes from the generator's own rows without the warehouse.
 */

/** The warehouse's SQL dialect. */
export type WarehouseDialect = 'duckdb' | 'postgresql';

/** Where the two dialects differ: calendar parts in a time zone, rounding a double, listing a group. */
const SPELLING: Record<WarehouseDialect, { dow: (at: string, zone: string) => string; hour: (at: string, zone: string) => string; year: (at: string) => string; quarter: (at: string) => string; round2: (x: string) => string }> = {
  duckdb: {
    dow: (at, zone) => `dayofweek(timezone(${zone}, ${at}))`,
    hour: (at, zone) => `hour(timezone(${zone}, ${at}))`,
    year: (at) => `year(timezone('UTC', ${at}))`,
    quarter: (at) => `quarter(timezone('UTC', ${at}))`,
    round2: (x) => `ROUND(${x}, 2)`,
  },
  postgresql: {
    dow: (at, zone) => `EXTRACT(DOW FROM ${at} AT TIME ZONE ${zone})::int`,
    hour: (at, zone) => `EXTRACT(HOUR FROM ${at} AT TIME ZONE ${zone})::int`,
    year: (at) => `EXTRACT(YEAR FROM ${at} AT TIME ZONE 'UTC')::int`,
    quarter: (at) => `EXTRACT(QUARTER FROM ${at} AT TIME ZONE 'UTC')::int`,
    // round(double precision, int) does not exist in PostgreSQL
    round2: (x) => `ROUND((${x})::numeric, 2)`,
  },
};

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
export function questionSql(period: Period, dialect: WarehouseDialect = 'duckdb') {
  const { sales, cart } = WAREHOUSE_TABLES;
  const say = SPELLING[dialect];
  return {
    shades: `SELECT shade, SUM(quantity) AS units
FROM ${sales}
WHERE ${HERO}
  AND ${within('ordered_at', period)}
GROUP BY shade
ORDER BY shade`,
    regions: `SELECT region, SUM(quantity) AS units, ${say.round2('SUM(revenue_usd)')} AS revenue_usd
FROM ${sales}
WHERE category = 'foundation'
  AND ${within('ordered_at', period)}
GROUP BY region
ORDER BY units DESC, region`,
    heat: `SELECT 'utc' AS clock, ${say.dow('ordered_at', "'UTC'")} AS dow, ${say.hour('ordered_at', "'UTC'")} AS hour, SUM(quantity) AS units
FROM ${sales}
WHERE ${HERO} AND ${within('ordered_at', period)}
GROUP BY 1, 2, 3
UNION ALL
SELECT 'local', ${say.dow('ordered_at', 'zone')}, ${say.hour('ordered_at', 'zone')}, SUM(quantity)
FROM ${sales} JOIN ${REGION_ZONES} USING (region)
WHERE ${HERO} AND ${within('ordered_at', period)}
GROUP BY 1, 2, 3`,
    // "added earlier" as the first add's time over the user's events of that product (a window), not a
    // correlated EXISTS: PostgreSQL ran that as a nested loop (7 s for 200 k events); one scan in both
    cart: `WITH removed AS (
  SELECT region, customer_id, shade, event_at
  FROM (SELECT *, min(CASE WHEN action = 'add' THEN event_at END) OVER (PARTITION BY region, customer_id, sku) AS added_at
        FROM ${cart} WHERE ${HERO}) events
  WHERE action = 'remove' AND ${within('event_at', period)} AND added_at < event_at)
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
export const quartersSql = (dialect: WarehouseDialect = 'duckdb') => {
  const { year, quarter } = SPELLING[dialect];
  return `SELECT DISTINCT ${year('ordered_at')} || '-Q' || ${quarter('ordered_at')} AS quarter
FROM ${WAREHOUSE_TABLES.sales}
ORDER BY quarter DESC`;
};

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/** Run the four questions against a warehouse (`query` answers rows as JSON values). */
export async function answerQuestions(query: Query, period: Period, dialect: WarehouseDialect = 'duckdb'): Promise<Answers> {
  const sql = questionSql(period, dialect);
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
