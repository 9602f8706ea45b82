import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectionConfig, flowGraph, processorConfig, serviceConfig } from '../../flow/build';
import { Engine } from '../../runtime/engine';
import mysqlPool from '../../services/sql/mysql/runtime';
import postgresqlPool from '../../services/sql/postgresql/runtime';
import { MARIADB, POSTGRES, TEST_DATABASE, execute, openMariadb, openPostgres } from '../../services/sql/testing/databases';
import { TcpProxy } from '../../services/sql/testing/tcp-proxy';
import queryDatabaseTable from '../query-database-table/runtime';
import putDatabaseRecord from './runtime';

const SOURCE = 'flow_test_orders_src';
const TARGET = 'flow_test_orders_dst';

/** Poll an asynchronous condition (a database count) until it holds. */
async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(20);
  }
}

test('MariaDB to PostgreSQL in the engine: the target going away mid-run loses nothing and writes nothing twice', async () => {
  const [mariadb, postgres] = await Promise.all([openMariadb(), openPostgres()]);
  const proxy = await TcpProxy.start(POSTGRES.port);
  const engine = new Engine({ processors: [queryDatabaseTable, putDatabaseRecord], services: [mysqlPool, postgresqlPool], statsIntervalMs: 50 });
  after(async () => {
    await engine.shutdown();
    await execute(mariadb, `DROP TABLE IF EXISTS ${SOURCE}`);
    await execute(postgres, `DROP TABLE IF EXISTS ${TARGET}`);
    await Promise.all([mariadb.close(), postgres.close(), proxy.close()]);
  });
  const addOrders = (from: number, to: number) => {
    const values = Array.from({ length: to - from + 1 }, (_, i) => `(${from + i}, 'PF-${from + i}', ${(from + i) % 5}, ${(from + i) * 1.5})`);
    return execute(mariadb, `INSERT INTO ${SOURCE} (id, sku, qty, price) VALUES ${values.join(', ')}`);
  };
  await execute(mariadb, `DROP TABLE IF EXISTS ${SOURCE}`, `CREATE TABLE ${SOURCE} (id INT PRIMARY KEY, sku VARCHAR(20), qty INT, price DECIMAL(10,2))`);
  await execute(postgres, `DROP TABLE IF EXISTS ${TARGET}`, `CREATE TABLE ${TARGET} (id INT PRIMARY KEY, sku VARCHAR(20), qty INT, price NUMERIC(10,2))`);
  await addOrders(1, 5_000);
  const copied = async () => Number((await postgres.run({ sql: `SELECT COUNT(*) AS n FROM ${TARGET}`, params: [] })).rows[0].n);

  engine.load(
    flowGraph({
      id: 'sql-flow',
      services: [
        serviceConfig({ id: 'shop', type: 'MySQLPool', properties: { ...MARIADB, database: TEST_DATABASE } }),
        serviceConfig({ id: 'warehouse', type: 'PostgreSQLPool', properties: { ...POSTGRES, port: proxy.port, database: TEST_DATABASE } }),
      ],
      processors: [
        processorConfig({
          id: 'read',
          type: 'QueryDatabaseTable',
          properties: { database: 'shop', table: SOURCE, maxValueColumn: 'id', pageSize: 250, pollIntervalMs: 50 },
        }),
        processorConfig({
          id: 'write',
          type: 'PutDatabaseRecord',
          batchSize: 250,
          properties: { database: 'warehouse', table: TARGET, mode: 'upsert', statementRows: 100 },
          autoTerminated: ['success', 'failure'],
        }),
      ],
      connections: [connectionConfig({ id: 'rows', sourceId: 'read', relationship: 'success', targetId: 'write' })],
    }),
  );
  const started = await engine.start('sql-flow');
  assert.deepEqual(started.started.sort(), ['read', 'write'], JSON.stringify(started.invalid));
  const write = () => engine.stats('sql-flow').processors.write;

  await eventually(async () => (await copied()) >= 1_000);
  proxy.cut();
  await addOrders(5_001, 5_500); // the source keeps reading while the target is down (up to back pressure)
  await eventually(() => write().errors > 0);
  assert.match(write().bulletins.at(-1)!.message, /PostgreSQL .*(connection failed|cannot reach).*rolled back/);
  proxy.restore();

  await eventually(async () => (await copied()) === 5_500 && engine.queued('sql-flow', 'rows') === 0);
  const { rows } = await postgres.run({ sql: `SELECT MIN(id) AS lo, MAX(id) AS hi, SUM(price) AS total FROM ${TARGET}`, params: [] });
  assert.deepEqual(rows[0], { lo: 1, hi: 5_500, total: String((1.5 * 5_500 * 5_501) / 2) + '.00' });
  assert.equal(write().in, 5_500, 'each record committed by the sink exactly once (rolled-back batches are not counted)');
  assert.equal(engine.stats('sql-flow').processors.read.out, 5_500, 'the source read each row once');
});
