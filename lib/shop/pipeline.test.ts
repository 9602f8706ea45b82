import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { processorImplementations } from '../../engine/processors/runtimes';
import { Engine } from '../../engine/runtime/engine';
import { openDatabase } from '../../engine/services/warehouse/duckdb/databases';
import { serviceImplementations } from '../../engine/services/runtimes';
import { REGIONS } from './catalog';
import { shopFlow } from './flow';
import { shopDays, type CartEvent, type OrderLine, type StoreOptions } from './generate';
import { answerQuestions, type Answers, type Period } from './questions';
import { cartEventsTable, orderLinesTable } from './regional-tables';
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
const warehouse = path.join(dir, 'warehouse.duckdb');
let engine: Engine;
const lines: OrderLine[] = [];
const events: CartEvent[] = [];

before(() => {
  seedSqlite(path.join(dir, 'shop'), options);
  for (const region of REGIONS) {
    for (const day of shopDays(region, options)) {
      lines.push(...day.lines);
      events.push(...day.events);
    }
  }
  engine = new Engine({ processors: processorImplementations, services: serviceImplementations, statsIntervalMs: 100 });
});

after(async () => {
  await engine?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

async function warehouseQuery(sql: string): Promise<Record<string, unknown>[]> {
  const db = await openDatabase(warehouse);
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
}

const count = async (table: string) => Number((await warehouseQuery(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

/** Every row of the shops in the warehouse; asked every 200 ms (each ask opens the database). */
async function allLoaded(timeoutMs: number) {
  const loaded = async () => String([await count('sales').catch(() => 0), await count('cart_events').catch(() => 0)]);
  const end = Date.now() + timeoutMs;
  while ((await loaded()) !== String([lines.length, events.length])) {
    if (Date.now() > end) {
      const stats = engine.stats('shop');
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

test('the shipped flow loads four differently shaped regional shops into the warehouse, and the four answers match the ground truth', async () => {
  const flow = { id: 'shop', ...shopFlow({ warehouse, shopDirectory: path.join(dir, 'shop'), cron: '* * * * * *', webhookPort: 0 }) };
  engine.load(flow);
  await engine.start('shop');
  const loaded = async () => [await count('sales').catch(() => 0), await count('cart_events').catch(() => 0)];
  await allLoaded(60_000);

  // the shops keep selling while the flow runs: a day after the span, in each region's own format
  const later: StoreOptions = { ...options, end: options.end + 86_400_000 };
  for (const region of REGIONS) {
    const db = new Database(regionFile(path.join(dir, 'shop'), region));
    const linesTable = orderLinesTable(region);
    const eventsTable = cartEventsTable(region);
    const known = lines.filter((l) => l.region === region).length;
    const knownEvents = events.filter((e) => e.region === region).length;
    const days = [...shopDays(region, later)];
    const newLines = days.flatMap((d) => d.lines).slice(known);
    const newEvents = days.flatMap((d) => d.events).slice(knownEvents);
    for (const line of newLines) db.prepare(`INSERT INTO order_lines VALUES (${linesTable.columns.map(() => '?').join(', ')})`).run(linesTable.values(line));
    for (const event of newEvents) db.prepare(`INSERT INTO cart_events VALUES (${eventsTable.columns.map(() => '?').join(', ')})`).run(eventsTable.values(event));
    db.close();
    lines.push(...newLines);
    events.push(...newEvents);
  }
  await allLoaded(30_000);
  const failures = Object.entries(engine.stats('shop').processors).flatMap(([id, p]) => (p.bulletins ?? []).map((b) => `${id}: ${b.message}`));
  assert.deepEqual(failures, []);

  const periods: [string, Period][] = [
    ['2026-Q3', quarterRange('2026-Q3')!],
    ['2026-Q1', quarterRange('2026-Q1')!],
    ['all time', {}],
  ];
  for (const [label, period] of periods) {
    const expected = groundTruth(lines, events, period);
    assert.ok(expected.totalUnits > 0 && expected.cart.users > 0, `${label}: the store sold and carts changed`);
    assertSameAnswers(await answerQuestions(warehouseQuery, period), expected, label);
  }
  await engine.stop('shop');
});
