/**
 * The store's four regions on the real servers → DuckDB, one variant per process (bench/shop.ts runs
 * them side by side). The shops are seeded by bench/shop.ts (databases bench_shop_*).
 *   conflux-tuned    the shipped flow, durable (the repository, as `npm start` has it), batches and
 *                    pages of 10,000, PutWarehouse concurrency 2
 *   conflux-default  the shipped flow exactly as shipped
 *   baseline         by hand with the same drivers: per region and table, keyset pages of 10,000
 *                    read with mysql2 / pg, normalized in plain JavaScript (what the flow's Transforms
 *                    do), appended with DuckDB's appender into typed tables
 * Usage: shop-load.ts <variant> <total rows (order lines + cart events)>
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { DuckDBInstance, DuckDBTimestampTZValue, type DuckDBAppender } from '@duckdb/node-api';
import { processorImplementations } from '../../engine/processors/runtimes';
import { Repository } from '../../engine/repository/repository';
import { Engine } from '../../engine/runtime/engine';
import { serviceImplementations } from '../../engine/services/runtimes';
import { REGIONS, USD_PER_UNIT, type Region } from '../../lib/shop/catalog';
import { shopFlow } from '../../lib/shop/flow';
import { SERVER_OF, shopDatabase } from '../../lib/shop/seed-servers';
import { BENCH_SERVERS } from './shop-servers';
import { eventLoopLag, peakRssMB, report } from './shared';


const variant = process.argv[2] as 'conflux-tuned' | 'conflux-default' | 'baseline';
const total = Number(process.argv[3]);
const dir = mkdtempSync(path.join(tmpdir(), 'conflux-bench-shop-'));
const warehouse = path.join(dir, 'warehouse.duckdb');
const lag = eventLoopLag();
const started = performance.now();
let lagP99: number;
try {
  if (variant === 'baseline') await baseline();
  else await conflux(variant === 'conflux-tuned');
  lagP99 = lag.p99Ms();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const seconds = (performance.now() - started) / 1000;
report({ engine: variant, records: total, seconds, recordsPerSec: total / seconds, peakRssMB: peakRssMB(), eventLoopLagP99Ms: lagP99 });

async function conflux(tuned: boolean) {
  const repository = await Repository.open(path.join(dir, 'repository'));
  const engine = new Engine({ processors: processorImplementations, services: serviceImplementations, repository, statsIntervalMs: 500 });
  const flow = { id: 'shop', ...shopFlow({ warehouse, shops: { servers: BENCH_SERVERS }, cron: '* * * * * *', webhookPort: 0 }) };
  if (tuned) {
    for (const p of flow.processors) {
      p.batchSize = 10_000;
      if (p.type === 'QueryDatabaseTable') p.properties.pageSize = 10_000;
      if (p.type === 'PutWarehouse') p.scheduling = { ...p.scheduling, concurrency: 2 };
    }
  }
  engine.load(flow);
  await engine.start('shop');
  const loaded = () => Object.entries(engine.stats('shop').processors).reduce((sum, [id, p]) => sum + (id.startsWith("load-") ? p.in : 0), 0);
  while (loaded() < total) await new Promise((r) => setTimeout(r, 50));
  // the last batches committed: their rows are in the warehouse
  await engine.stop('shop');
  await engine.shutdown();
  await repository.close();
}

/** The flow's normalization, by hand: one shape for every region. */
function normalizeLine(region: Region, row: Record<string, unknown>) {
  const price = Number(row.unit_price ?? row.price);
  const quantity = Number(row.quantity ?? row.qty);
  return {
    line_id: Number(row.line_id),
    order_id: String(row.order_id ?? row.order_ref),
    customer_id: Number(row.customer_id),
    at: instantOf(region, row.ordered_at ?? row.placed_at ?? row.created_at),
    sku: String(row.sku),
    product: String(row.product),
    category: String(row.category),
    shade: String(row.shade),
    quantity,
    currency: String(row.currency),
    price,
    usd: price * USD_PER_UNIT[String(row.currency)],
  };
}

function instantOf(region: Region, value: unknown): number {
  if (region === 'asia') return Number(value) * 1000;
  if (region === 'europe') return Date.parse(String(value));
  if (value instanceof Date) return value.getTime();
  const text = String(value).replace(' ', 'T');
  return Date.parse(region === 'africa' ? `${text}:00` : `${text}Z`);
}

async function baseline() {
  const db = await DuckDBInstance.create(warehouse);
  const ddl = await db.connect();
  await ddl.run(`CREATE TABLE sales (region VARCHAR, line_id BIGINT, order_id VARCHAR, customer_id BIGINT, ordered_at TIMESTAMPTZ, sku VARCHAR, product VARCHAR, category VARCHAR, shade VARCHAR, quantity BIGINT, currency VARCHAR, unit_price_local DOUBLE, unit_price_usd DOUBLE, revenue_usd DOUBLE)`);
  await ddl.run(`CREATE TABLE cart_events (region VARCHAR, event_id VARCHAR, customer_id BIGINT, event_at TIMESTAMPTZ, sku VARCHAR, product VARCHAR, shade VARCHAR, action VARCHAR)`);
  ddl.closeSync();
  const tsz = (ms: number) => new DuckDBTimestampTZValue(BigInt(ms) * 1000n);
  const appendLine = (a: DuckDBAppender, region: Region, row: Record<string, unknown>) => {
    const l = normalizeLine(region, row);
    a.appendVarchar(region);
    a.appendBigInt(BigInt(l.line_id));
    a.appendVarchar(l.order_id);
    a.appendBigInt(BigInt(l.customer_id));
    a.appendTimestampTZ(tsz(l.at));
    a.appendVarchar(l.sku);
    a.appendVarchar(l.product);
    a.appendVarchar(l.category);
    a.appendVarchar(l.shade);
    a.appendBigInt(BigInt(l.quantity));
    a.appendVarchar(l.currency);
    a.appendDouble(l.price);
    a.appendDouble(l.usd);
    a.appendDouble(l.quantity * l.usd);
    a.endRow();
  };
  const appendEvent = (a: DuckDBAppender, region: Region, row: Record<string, unknown>) => {
    a.appendVarchar(region);
    a.appendVarchar(String(row.event_id));
    a.appendBigInt(BigInt(Number(row.customer_id)));
    a.appendTimestampTZ(tsz(instantOf(region, row.event_time)));
    a.appendVarchar(String(row.sku));
    a.appendVarchar(String(row.product));
    a.appendVarchar(String(row.shade));
    a.appendVarchar(String(row.action));
    a.endRow();
  };
  const jobs = REGIONS.flatMap((region) => [
    copyTable(db, region, 'order_lines', 'line_id', 'sales', appendLine),
    copyTable(db, region, 'cart_events', 'event_id', 'cart_events', appendEvent),
  ]);
  await Promise.all(jobs);
  db.closeSync();
}

/** One region's table: keyset pages of 10,000 rows, each page appended and flushed (committed) before the next is read. */
async function copyTable(db: DuckDBInstance, region: Region, table: string, key: string, target: string, append: (a: DuckDBAppender, region: Region, row: Record<string, unknown>) => void) {
  const PAGE = 10_000;
  const database = shopDatabase(BENCH_SERVERS, region);
  const connection = await db.connect();
  let read: (after: number) => Promise<Record<string, unknown>[]>;
  let close: () => Promise<void>;
  if (SERVER_OF[region] === 'mysql') {
    const source = await mysql.createConnection({ ...BENCH_SERVERS.mysql, database, dateStrings: true, supportBigNumbers: true, decimalNumbers: false });
    read = async (after) => (await source.query(`SELECT * FROM \`${table}\` WHERE ${key} > ? ORDER BY ${key} LIMIT ${PAGE}`, [after]))[0] as Record<string, unknown>[];
    close = () => source.end();
  } else {
    const source = new pg.Client({ ...BENCH_SERVERS.postgresql, database, types: { getTypeParser: (oid: number, format?: 'text' | 'binary') => ([1114, 1184].includes(oid) ? (t: string) => t : pg.types.getTypeParser(oid, format ?? 'text')) } as never });
    await source.connect();
    read = async (after) => (await source.query(`SELECT * FROM "${table}" WHERE ${key} > $1 ORDER BY ${key} LIMIT ${PAGE}`, [after])).rows;
    close = () => source.end();
  }
  try {
    for (let after = 0; ; ) {
      const rows = await read(after);
      if (rows.length === 0) break;
      const appender = await connection.createAppender(target);
      for (const row of rows) append(appender, region, row);
      appender.closeSync();
      after = Number(rows[rows.length - 1][key]);
      if (rows.length < PAGE) break;
    }
  } finally {
    await close();
    connection.closeSync();
  }
}
