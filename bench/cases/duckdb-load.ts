/**
 * Loading a DuckDB warehouse (issue 4). Two cases, each printed as a JSON line:
 *   conflux   GenerateRecords → PutWarehouse (DuckDBWarehouse, a file) → Count, in the real engine
 *   appender  the same rows appended with DuckDB's appender in a plain loop: no records, no queues
 * Usage: duckdb-load.ts [conflux|appender|both] [records=1000000] [putBatchSize=10000] [putConcurrency=2]
 * "both" (the default) runs each case in its own process, so each peak RSS is its own.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance, DuckDBTimestampTZValue } from '@duckdb/node-api';
import { connectionConfig, flowGraph, processorConfig, serviceConfig } from '../../engine/flow/build';
import { processorImplementations } from '../../engine/processors/runtimes';
import putWarehouse from '../../engine/processors/put-warehouse/runtime';
import type { CountView } from '../../engine/protocol/views';
import { Engine } from '../../engine/runtime/engine';
import duckdbWarehouse from '../../engine/services/warehouse/duckdb/runtime';
import { TEMPLATE, eventLoopLag, peakRssMB, report } from './shared';

const mode = process.argv[2] ?? 'both';
const records = Number(process.argv[3] ?? 1_000_000);
const putBatchSize = Number(process.argv[4] ?? 10_000);
// two loads in flight: one is converted and appended in JS while DuckDB commits the other
const putConcurrency = Number(process.argv[5] ?? 2);

/** The seed's order shape: the shared template plus where and when. */
const ORDER_TEMPLATE = TEMPLATE.replace(/}$/, ', "region": $pick(["north", "south", "east", "west"]), "ts": $now()}');
const SKUS = ['PF-110', 'PF-490', 'PF-150'];
const REGIONS = ['north', 'south', 'east', 'west'];

const file = path.join(tmpdir(), `conflux-bench-${process.pid}.duckdb`);
const removeFile = () => ['', '.wal'].forEach((suffix) => rmSync(file + suffix, { force: true }));
process.on('exit', removeFile);

async function conflux(): Promise<void> {
  removeFile();
  const graph = flowGraph({
    id: 'bench',
    services: [serviceConfig({ id: 'wh', type: 'DuckDBWarehouse', properties: { path: file } })],
    processors: [
      processorConfig({ id: 'gen', type: 'GenerateRecords', properties: { template: ORDER_TEMPLATE, rate: 0, limit: records } }),
      processorConfig({
        id: 'put',
        type: 'PutWarehouse',
        properties: { warehouse: 'wh', table: 'orders' },
        batchSize: putBatchSize,
        scheduling: { concurrency: putConcurrency },
        autoTerminated: ['failure'],
      }),
      processorConfig({ id: 'count', type: 'Count' }),
    ],
    connections: [
      connectionConfig({ id: 'c1', sourceId: 'gen', relationship: 'success', targetId: 'put' }),
      connectionConfig({ id: 'c2', sourceId: 'put', relationship: 'success', targetId: 'count' }),
    ],
  });
  // PutWarehouse and the DuckDB service named explicitly: they may not be in the registries yet (a duplicate is harmless)
  const engine = new Engine({ processors: [...processorImplementations, putWarehouse], services: [duckdbWarehouse] });
  engine.load(graph);
  const lag = eventLoopLag();
  const cpu = process.cpuUsage();
  const mainCpu = mainThreadCpu();
  const started = performance.now();
  const result = await engine.start('bench');
  if (result.invalid.length || result.failed.length) throw new Error(`bench flow did not start: ${JSON.stringify(result)}`);
  const counted = () => (engine.stats('bench').processors.count.view as CountView).count;
  while (counted() < records && engine.stats('bench').processors.put.errors === 0) await sleep(5);
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSince(cpu);
  const mainThreadCpuSeconds = round(mainThreadCpu() - mainCpu);
  const put = engine.stats('bench').processors.put;
  if (put.errors > 0) throw new Error(`PutWarehouse failed: ${put.bulletins.map((b) => b.message).join('; ')}`);
  await engine.shutdown();
  await checkTable('conflux-duckdb-load');
  report({
    engine: 'conflux-duckdb-load',
    records,
    seconds: round(seconds),
    recordsPerSec: Math.round(records / seconds),
    peakRssMB: peakRssMB(),
    eventLoopLagP99Ms: lag.p99Ms(),
    cpuSeconds,
    mainThreadCpuSeconds,
    putBatchSize,
    putConcurrency,
  });
}

/** The ceiling: the same rows, appended value by value with DuckDB's appender, one flush at the end. */
async function appender(): Promise<void> {
  removeFile();
  const cpu = process.cpuUsage();
  const mainCpu = mainThreadCpu();
  const started = performance.now();
  const db = await DuckDBInstance.create(file);
  const connection = await db.connect();
  await connection.run('CREATE TABLE orders ("orderId" BIGINT, sku VARCHAR, qty BIGINT, price BIGINT, region VARCHAR, ts TIMESTAMPTZ)');
  const appender = await connection.createAppender('orders');
  const now = new Date().toISOString();
  for (let i = 0; i < records; i++) {
    // the row a record would carry, then its values as the table's types
    const row = { orderId: i, sku: SKUS[Math.floor(Math.random() * 3)], qty: 1 + (i % 4), price: 39, region: REGIONS[Math.floor(Math.random() * 4)], ts: now };
    appender.appendBigInt(BigInt(row.orderId));
    appender.appendVarchar(row.sku);
    appender.appendBigInt(BigInt(row.qty));
    appender.appendBigInt(BigInt(row.price));
    appender.appendVarchar(row.region);
    appender.appendTimestampTZ(new DuckDBTimestampTZValue(BigInt(Date.parse(row.ts)) * 1000n));
    appender.endRow();
  }
  appender.closeSync();
  connection.closeSync();
  db.closeSync();
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSince(cpu);
  const mainThreadCpuSeconds = round(mainThreadCpu() - mainCpu);
  await checkTable('duckdb-appender-loop');
  report({ engine: 'duckdb-appender-loop', records, seconds: round(seconds), recordsPerSec: Math.round(records / seconds), peakRssMB: peakRssMB(), cpuSeconds, mainThreadCpuSeconds });
}

/** Every record in the table exactly once, or the figure means nothing. */
async function checkTable(label: string): Promise<void> {
  const db = await DuckDBInstance.create(file);
  const connection = await db.connect();
  const reader = await connection.runAndReadAll('SELECT count(*), count(DISTINCT "orderId") FROM orders');
  const [[rows, distinct]] = reader.getRows() as [[bigint, bigint]];
  connection.closeSync();
  db.closeSync();
  removeFile();
  if (Number(rows) !== records || Number(distinct) !== records) throw new Error(`${label}: ${rows} rows (${distinct} distinct) of ${records}`);
}

const round = (n: number) => Math.round(n * 100) / 100;
/** CPU time of this process (all its threads, DuckDB's too): on a shared machine, steadier than the wall clock. */
const cpuSince = (start: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(start);
  return round((user + system) / 1e6);
};
/** CPU seconds of the main (JS) thread alone, from Linux's per-thread accounting: the part that does not parallelise. */
function mainThreadCpu(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

if (mode === 'conflux') await conflux();
else if (mode === 'appender') await appender();
else {
  for (const which of ['conflux', 'appender']) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, which, String(records), String(putBatchSize)], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`${which} case failed (exit ${child.status})`);
    process.stdout.write(child.stdout);
  }
}
