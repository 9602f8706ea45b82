/**
 * MySQL → PostgreSQL through a Conflux flow in the engine: QueryDatabaseTable (MariaDB, keyset
 * pages of 10,000 rows) → PutDatabaseRecord (PostgreSQL, insert mode: one COPY per batch of 10,000,
 * two batches in flight), default connection thresholds. Compare with mysql-to-postgres-baseline.ts
 * (the same drivers by hand, at their best). Prints one JSON line; checks the copy is complete.
 * Usage: mysql-to-postgres.ts [N]   (MariaDB and PostgreSQL on 127.0.0.1; N defaults to 1,000,000)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connectionConfig, flowGraph, processorConfig, serviceConfig } from '../../engine/flow/build';
import queryDatabaseTable from '../../engine/processors/query-database-table/runtime';
import putDatabaseRecord from '../../engine/processors/put-database-record/runtime';
import { Engine } from '../../engine/runtime/engine';
import mysqlPool from '../../engine/services/sql/mysql/runtime';
import postgresqlPool from '../../engine/services/sql/postgresql/runtime';
import { MARIADB, POSTGRES, TARGET, prepareTables, sourceTable, verifyCopy } from './mysql-to-postgres-tables';
import { benchRepository, eventLoopLag, peakRssMB, report } from './shared';

const rows = Number(process.argv[2] ?? 1_000_000);
await prepareTables(rows);

const PAGE = 10_000;
const graph = flowGraph({
  id: 'bench-sql',
  services: [
    serviceConfig({ id: 'shop', type: 'MySQLPool', properties: { ...MARIADB } }),
    serviceConfig({ id: 'warehouse', type: 'PostgreSQLPool', properties: { ...POSTGRES } }),
  ],
  processors: [
    processorConfig({
      id: 'read',
      type: 'QueryDatabaseTable',
      batchSize: PAGE,
      properties: { database: 'shop', table: sourceTable(rows), maxValueColumn: 'id', pageSize: PAGE },
    }),
    processorConfig({
      id: 'write',
      type: 'PutDatabaseRecord',
      batchSize: PAGE,
      // two batches in flight: one being encoded and sent while the other waits for PostgreSQL
      scheduling: { concurrency: 2 },
      properties: { database: 'warehouse', table: TARGET, mode: 'insert' },
      autoTerminated: ['success', 'failure'],
    }),
  ],
  connections: [connectionConfig({ id: 'rows', sourceId: 'read', relationship: 'success', targetId: 'write' })],
});

const store = await benchRepository();
const engine = new Engine({ processors: [queryDatabaseTable, putDatabaseRecord], services: [mysqlPool, postgresqlPool], repository: store?.repository });
engine.load(graph);
const lag = eventLoopLag();
const started = performance.now();
const result = await engine.start('bench-sql');
if (result.invalid.length || result.failed.length) throw new Error(`bench flow did not start: ${JSON.stringify(result)}`);
const write = () => engine.stats('bench-sql').processors.write;
while (write().in < rows) {
  if (write().errors > 0 || write().out > write().in) throw new Error(`the sink failed: ${JSON.stringify(write().bulletins)}`);
  await sleep(5);
}
const seconds = (performance.now() - started) / 1000;
await engine.shutdown();
await store?.close();
await verifyCopy(rows);
report({
  engine: 'conflux-mysql-to-postgres',
  records: rows,
  seconds: Math.round(seconds * 100) / 100,
  recordsPerSec: Math.round(rows / seconds),
  peakRssMB: peakRssMB(),
  eventLoopLagP99Ms: lag.p99Ms(),
});
