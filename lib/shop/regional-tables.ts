import type { Region } from './catalog';
import { REGION_INFO } from './catalog';
import type { CartEvent, OrderLine } from './generate';
import { isoWithOffset, postgresTimestamp, postgresUtc } from './time';

/**
 * How each regional shop's database keeps its rows: the same store, written the way four teams wrote
 * four shops, which is what the pipeline's normalization is for.
 * - Europe: order times as local ISO 8601 text with the offset; quantity, unit_price.
 * - Asia: times as Unix seconds (placed_at); the columns are qty and price.
 * - Africa: orders keyed by a UUID (order_ref); times as PostgreSQL prints a timestamptz (UTC, +00).
 * - North America: times in UTC without a zone, as PostgreSQL prints a timestamp (created_at); prices in dollars.
 * Every shop's prices are in its own currency.
 */
export type Dialect = 'sqlite' | 'mysql' | 'postgresql';

interface Column {
  readonly name: string;
  /** The column's type per dialect: [sqlite, mysql, postgresql]. */
  readonly types: readonly [string, string, string];
}

interface TableShape<Row> {
  readonly name: string;
  readonly columns: readonly Column[];
  /** The columns' values of a row, in column order. */
  readonly values: (row: Row) => unknown[];
}

const ID: Column['types'] = ['INTEGER PRIMARY KEY', 'BIGINT PRIMARY KEY', 'BIGINT PRIMARY KEY'];
const INT: Column['types'] = ['INTEGER NOT NULL', 'BIGINT NOT NULL', 'BIGINT NOT NULL'];
const TEXT: Column['types'] = ['TEXT NOT NULL', 'VARCHAR(200) NOT NULL', 'TEXT NOT NULL'];
const MONEY: Column['types'] = ['REAL NOT NULL', 'DECIMAL(14,2) NOT NULL', 'NUMERIC(14,2) NOT NULL'];
const col = (name: string, types: Column['types']): Column => ({ name, types });

/** The order time column: its name, type and how the shop writes an instant into it. */
interface TimeColumn {
  readonly name: string;
  readonly types: Column['types'];
  readonly write: (instant: number) => unknown;
}

const TIME: Record<Region, TimeColumn> = {
  europe: { name: 'ordered_at', types: ['TEXT NOT NULL', 'VARCHAR(32) NOT NULL', 'TEXT NOT NULL'], write: (at) => isoWithOffset(at, REGION_INFO.europe.timeZone) },
  asia: { name: 'placed_at', types: INT, write: (at) => Math.floor(at / 1000) },
  // as text in SQLite (what PostgreSQL's driver reads from a timestamptz); a real timestamptz there
  africa: { name: 'ordered_at', types: ['TEXT NOT NULL', 'VARCHAR(32) NOT NULL', 'TIMESTAMPTZ NOT NULL'], write: postgresUtc },
  // as text in SQLite (what PostgreSQL's driver reads from a timestamp); a real timestamp there
  'north-america': { name: 'created_at', types: ['TEXT NOT NULL', 'VARCHAR(32) NOT NULL', 'TIMESTAMP NOT NULL'], write: postgresTimestamp },
};

export function orderLinesTable(region: Region): TableShape<OrderLine> {
  const time = TIME[region];
  const asia = region === 'asia';
  const africa = region === 'africa';
  return {
    name: 'order_lines',
    columns: [
      col('line_id', ID),
      africa ? col('order_ref', TEXT) : col('order_id', INT),
      col('customer_id', INT),
      col(time.name, time.types),
      col('sku', TEXT),
      col('product', TEXT),
      col('category', TEXT),
      col('shade', TEXT),
      col(asia ? 'qty' : 'quantity', INT),
      col(asia ? 'price' : 'unit_price', MONEY),
      col('currency', TEXT),
    ],
    values: (l) => [l.lineId, africa ? l.orderRef : l.orderId, l.customerId, time.write(l.at), l.sku, l.product, l.category, l.shade, l.quantity, l.unitPrice, l.currency],
  };
}

export function cartEventsTable(region: Region): TableShape<CartEvent> {
  const time = TIME[region];
  return {
    name: 'cart_events',
    columns: [col('event_id', ID), col('customer_id', INT), col('event_time', time.types), col('sku', TEXT), col('product', TEXT), col('shade', TEXT), col('action', TEXT)],
    values: (e) => [e.eventId, e.customerId, time.write(e.at), e.sku, e.product, e.shade, e.action],
  };
}

const DIALECT_INDEX: Record<Dialect, number> = { sqlite: 0, mysql: 1, postgresql: 2 };

export function createTableSql(table: TableShape<never>, dialect: Dialect): string {
  const quote = dialect === 'mysql' ? (n: string) => `\`${n}\`` : (n: string) => `"${n}"`;
  const columns = table.columns.map((c) => `${quote(c.name)} ${c.types[DIALECT_INDEX[dialect]]}`);
  return `CREATE TABLE IF NOT EXISTS ${quote(table.name)} (${columns.join(', ')})`;
}

/** An INSERT of one row with `?` parameters (SQLite, better-sqlite3), in column order. */
export const insertRowSql = (table: TableShape<never>) => `INSERT INTO ${table.name} VALUES (${table.columns.map(() => '?').join(', ')})`;

/** The name of a region's time column (the flow's normalization reads it). */
export const timeColumn = (region: Region) => TIME[region].name;
