import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { processorImplementations } from '../../engine/processors/runtimes';
import { Engine } from '../../engine/runtime/engine';
import { openDatabase } from '../../engine/services/warehouse/duckdb/databases';
import { serviceImplementations } from '../../engine/services/runtimes';
import { MARIADB, POSTGRES } from '../../engine/services/sql/testing/databases';
import { TcpProxy } from '../../engine/services/sql/testing/tcp-proxy';
import { kafkaTestBrokers } from '../../engine/testing/kafka-mock';
import { until } from '../../engine/testing/until';
import { REGIONS, type Region } from './catalog';
import { shopFlow, type ShopFlowOptions } from './flow';
import { storeRows, type CartEvent, type OrderLine, type StoreOptions } from './generate';
import { answerQuestions, type Answers, type Period, type WarehouseDialect } from './questions';
import { cartEventsTable, insertRowSql, orderLinesTable } from './regional-tables';
import { prepareWarehouse, seedServers, shopWriter, warehouseOf, type ShopServers } from './seed-servers';
import { regionFile, seedSqlite } from './seed-sqlite';
import { quarterRange } from './time';
import { groundTruth } from './truth';

/**
 * The showcase end to end on the embedded default: four regional SQLite shops (schemas that differ)
 * → the shipped flow → DuckDB, and the Questions page's SQL checked against answers computed from the
 * generator's own rows, including rows the shops took while the flow was running.
 */
const options: StoreOptions = { seed: 'pipeline-test', linesPerRegion: 6_000, end: Date.UTC(2026, 10, 20, 15) };
const dir = mkdtempSync(path.join(tmpdir(), 'conflux-shop-'));
let engine: Engine;
let lines: OrderLine[] = [];
let events: CartEvent[] = [];

before(() => {
  engine = new Engine({ processors: processorImplementations, services: serviceImplementations, statsIntervalMs: 100 });
});

after(async () => {
  await engine?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

/** Rows into a region's shop, whatever its database. */
type Insert = (region: Region, table: 'order_lines' | 'cart_events', rows: unknown[][]) => Promise<void>;

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/** The warehouse a showcase loads, and how the test reads it. */
interface Warehouse {
  readonly target: ShopFlowOptions['warehouse'];
  readonly dialect: WarehouseDialect;
  readonly query: Query;
}

function duckdbWarehouse(file: string): Warehouse {
  const query: Query = async (sql) => {
    const db = await openDatabase(file);
    try {
      const connection = await db.instance.connect();
      try {
        return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
      } finally {
        connection.closeSync();
      }
    } finally {
      db.release();
    }
  };
  return { target: file, dialect: 'duckdb', query };
}

async function postgresWarehouse(servers: ShopServers): Promise<Warehouse> {
  await prepareWarehouse(servers, { reset: true });
  const target = warehouseOf(servers);
  const pool = new pg.Pool({ ...target, max: 2 });
  after(() => pool.end());
  return { target, dialect: 'postgresql', query: async (sql) => (await pool.query(sql)).rows };
}

let warehouseQuery: Query;

const count = async (table: string) => Number((await warehouseQuery(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

/** Every row of the shops in the warehouse; asked every 200 ms (each ask opens the database). */
async function allLoaded(flowId: string, timeoutMs: number) {
  const loaded = async () => String([await count('sales').catch(() => 0), await count('cart_events').catch(() => 0)]);
  const end = Date.now() + timeoutMs;
  while ((await loaded()) !== String([lines.length, events.length])) {
    if (Date.now() > end) {
      const stats = engine.stats(flowId);
      const processors = Object.entries(stats.processors).map(([id, p]) => `${id} ${p.in}→${p.out} ${p.errors} errors ${p.bulletins?.map((b) => b.message).join(' | ') ?? ''}`);
      const queued = Object.entries(stats.connections).map(([id, c]) => `${id}: ${c.queued}`);
      assert.fail(`${await loaded()} of ${[lines.length, events.length]} rows loaded after ${timeoutMs} ms\n${processors.join('\n')}\n${queued.join(', ')}`);
    }
    await sleep(200);
  }
}

/** Revenue sums in a different order (and DuckDB's doubles): equal to the cent, give or take one. */
function assertSameAnswers(actual: Answers, expected: Answers, label: string) {
  assert.deepEqual(actual.shades, expected.shades, `${label}: units per shade`);
  assert.equal(actual.totalUnits, expected.totalUnits, `${label}: total units`);
  assert.deepEqual(
    actual.regions.map((r) => [r.region, r.units]),
    expected.regions.map((r) => [r.region, r.units]),
    `${label}: region ranking`,
  );
  for (const [i, r] of expected.regions.entries()) assert.ok(Math.abs(actual.regions[i].revenueUsd - r.revenueUsd) <= 0.02, `${label}: ${r.region} revenue ${actual.regions[i].revenueUsd} vs ${r.revenueUsd}`);
  assert.deepEqual(actual.heat, expected.heat, `${label}: heat map`);
  assert.equal(actual.cart.users, expected.cart.users, `${label}: users who removed`);
  assert.deepEqual(
    actual.cart.list.map((u) => `${u.region}/${u.customerId}/${u.shades}`).sort(),
    expected.cart.list.map((u) => `${u.region}/${u.customerId}/${u.shades}`).sort(),
    `${label}: who`,
  );
}

/**
 * Run the shipped flow over the seeded shops; midway, the shops take a day more of orders (and
 * `disturb` may take a database away and back); then the four answers for three periods must equal
 * the ground truth.
 */
interface Showcase {
  readonly flowId: string;
  readonly shops: ShopFlowOptions['shops'];
  readonly warehouse: Warehouse;
  readonly insert: Insert;
  /** Cart events from the website through Kafka: half of those the shops take meanwhile go this way. */
  readonly stream?: { readonly brokers: string; readonly topic: string; readonly send: (events: CartEvent[]) => Promise<void> };
  /** Taken while the flow runs its first load (a database away and back). */
  readonly disturb?: () => Promise<void>;
}

async function checkShowcase({ flowId, shops, warehouse, insert, stream, disturb }: Showcase) {
  warehouseQuery = warehouse.query;
  ({ lines, events } = storeRows(options));
  const cartTopic = stream && { brokers: stream.brokers, topic: stream.topic };
  const flow = { id: flowId, ...shopFlow({ warehouse: warehouse.target, shops, cron: '* * * * * *', webhookPort: 0, cartTopic }) };
  engine.load(flow);
  await engine.start(flowId);
  await disturb?.();
  await allLoaded(flowId, 90_000);

  // the shops keep selling while the flow runs: a day after the span, in each region's own format
  // (a longer span: the rows past each region's last id are new ones)
  const later = storeRows({ ...options, end: options.end + 86_400_000 });
  const lastLine = new Map(REGIONS.map((r) => [r, Math.max(0, ...lines.filter((l) => l.region === r).map((l) => l.lineId))]));
  const lastEvent = new Map(REGIONS.map((r) => [r, Math.max(0, ...events.filter((e) => e.region === r).map((e) => e.eventId))]));
  const newLines = later.lines.filter((l) => l.lineId > lastLine.get(l.region)!);
  const newEvents = later.events.filter((e) => e.eventId > lastEvent.get(e.region)!);
  const streamed = stream ? newEvents.filter((_, i) => i % 2 === 1) : [];
  const inShops = stream ? newEvents.filter((_, i) => i % 2 === 0) : newEvents;
  for (const region of REGIONS) {
    await insert(region, 'order_lines', newLines.filter((l) => l.region === region).map((l) => orderLinesTable(region).values(l)));
    await insert(region, 'cart_events', inShops.filter((e) => e.region === region).map((e) => cartEventsTable(region).values(e)));
  }
  await stream?.send(streamed);
  lines.push(...newLines);
  events.push(...newEvents);
  await allLoaded(flowId, 30_000);

  const periods: [string, Period][] = [
    ['2026-Q3', quarterRange('2026-Q3')!],
    ['2026-Q1', quarterRange('2026-Q1')!],
    ['all time', {}],
  ];
  for (const [label, period] of periods) {
    const expected = groundTruth(lines, events, period);
    assert.ok(expected.totalUnits > 0 && expected.cart.users > 0, `${label}: the store sold and carts changed`);
    assertSameAnswers(await answerQuestions(warehouse.query, period, warehouse.dialect), expected, label);
  }
  await engine.stop(flowId);
}

test('the shipped flow loads four differently shaped embedded shops (SQLite) into the warehouse, and the four answers match the ground truth', async () => {
  const directory = path.join(dir, 'shop');
  seedSqlite(directory, options);
  const insert: Insert = async (region, table, rows) => {
    const db = new Database(regionFile(directory, region));
    try {
      const statement = db.prepare(insertRowSql(table === 'order_lines' ? orderLinesTable(region) : cartEventsTable(region)));
      db.transaction(() => rows.forEach((row) => statement.run(row)))();
    } finally {
      db.close();
    }
  };
  await checkShowcase({ flowId: 'embedded', shops: { directory }, warehouse: duckdbWarehouse(path.join(dir, 'embedded.duckdb')), insert });
});

test('the same flow over real MariaDB (Europe, Asia) and PostgreSQL (Africa, North America) into a PostgreSQL warehouse, cart events also through Kafka, MariaDB cut off and back mid-run: the answers match the ground truth', async () => {
  const mariadb = await TcpProxy.start(MARIADB.port);
  after(() => mariadb.close());
  const seeding: ShopServers = { mysql: MARIADB, postgresql: POSTGRES, prefix: 'conflux_shop_test_' };
  await seedServers(seeding, options, { reset: true });
  // the flow reaches MariaDB through a proxy the test can cut, as a restart of the server would
  const servers: ShopServers = { ...seeding, mysql: { ...MARIADB, port: mariadb.port } };
  const insert: Insert = async (region, table, rows) => {
    if (rows.length === 0) return;
    const writer = await shopWriter(seeding, region);
    try {
      await writer.insert(table, rows[0].length, rows);
    } finally {
      await writer.close();
    }
  };
  const brokers = (await kafkaTestBrokers(1)).join(',');
  const kafka = new Kafka({ clientId: 'shop-website', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  after(() => producer.disconnect());
  const topic = `shop-cart-events-${Date.now()}`;
  // the website's cart events: in the warehouse's shape, UTC, an id of the website's own
  const send = async (sent: CartEvent[]) => {
    const messages = sent.map((e) => ({ value: JSON.stringify({ region: e.region, event_id: `web-${e.eventId}`, customer_id: e.customerId, event_at: new Date(e.at).toISOString(), sku: e.sku, product: e.product, shade: e.shade, action: e.action }) }));
    // sent twice, as a website retrying after a timeout would: DeduplicateRecord and the merge keep one
    await producer.send({ topic, messages: [...messages, ...messages.slice(0, 5)] });
  };
  await send([]); // the topic exists before the flow subscribes
  await checkShowcase({
    flowId: 'servers',
    shops: { servers },
    warehouse: await postgresWarehouse(seeding),
    insert,
    stream: { brokers, topic, send },
    disturb: async () => {
      // once some of Europe's rows are in, MariaDB goes away for two seconds
      await until(() => engine.stats('servers').processors['normalize-europe'].out > 0, 30_000);
      mariadb.cut();
      await sleep(2_000);
      mariadb.restore();
    },
  });
});
