// node --import tsx --test e2e/crash.test.ts   (needs a current `next build`, MariaDB, PostgreSQL and kcat)
// Nothing acknowledged is lost: the real server, killed with SIGKILL at random moments and once
// stopped with SIGTERM, restarted on the same repository each time, while four sources run:
//   MariaDB (QueryDatabaseTable) and Kafka (ConsumeKafka) → Transform → PostgreSQL (upsert) + Kafka
//   ListenHTTP → PostgreSQL (upsert)        GetFile (files deleted once read) → PostgreSQL (upsert)
// At the end PostgreSQL must hold every source key exactly once, the output topic every key at
// least once, every record of every request answered 200, and every line of every file.
// CONFLUX_CRASH_RECORDS sets the rows of MariaDB and the messages of Kafka (1,000,000 each).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { FlowStats } from '../engine/protocol';
import { kafkaTestBrokers } from '../engine/testing/kafka-mock';
import { api, startConflux, tempSqliteUrl, type RunningConflux } from './server';

const RECORDS = Number(process.env.CONFLUX_CRASH_RECORDS ?? 1_000_000);
const KILLS = 5;
const FILES = 20;
const LINES = 5_000;
const HTTP_REQUESTS = 1_500;
const PER_REQUEST = 50;
const DATABASE = 'conflux_crash';
const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root' };
const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const run = Date.now().toString(36);
const topics = { input: `crash-in-${run}`, output: `crash-out-${run}` };

let server: RunningConflux | undefined;
after(async () => {
  if (server) process.kill(server.pid, 'SIGKILL');
});

async function prepareDatabases(): Promise<void> {
  const maria = await mysql.createConnection(MARIADB);
  await maria.query(`CREATE DATABASE IF NOT EXISTS ${DATABASE}`);
  await maria.query(`USE ${DATABASE}`);
  const source = `orders_${RECORDS}`;
  const [found] = await maria.query('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [DATABASE, source]);
  if ((found as unknown[]).length === 0) {
    await maria.query(`CREATE TABLE ${source} (id INT PRIMARY KEY, region VARCHAR(8) NOT NULL, qty INT NOT NULL, price INT NOT NULL)`);
    await maria.query(`INSERT INTO ${source} SELECT seq, ELT(1 + seq % 4, 'EU', 'NA', 'APAC', 'AF'), 1 + seq % 5, 100 + seq % 900 FROM seq_1_to_${RECORDS}`);
  }
  await maria.end();
  const admin = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await admin.connect();
  if (!(await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE])).rowCount) await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const target = new pg.Client({ ...POSTGRES, database: DATABASE });
  await target.connect();
  await target.query(`DROP TABLE IF EXISTS orders_sink, http_sink, file_sink`);
  await target.query(`CREATE TABLE orders_sink (key TEXT PRIMARY KEY, region TEXT NOT NULL, qty INT NOT NULL, total INT NOT NULL)`);
  await target.query(`CREATE TABLE http_sink (id TEXT PRIMARY KEY, n INT NOT NULL)`);
  await target.query(`CREATE TABLE file_sink (key TEXT PRIMARY KEY, v INT NOT NULL)`);
  await target.end();
}

/**
 * librdkafka's mock keeps only the newest ~90,000 messages of a partition (older segments are
 * deleted, as retention would), so the input is produced while the flow runs, never more than
 * MAX_BACKLOG ahead of the group's committed offsets: every message is still there to consume
 * however long the server is down.
 */
const MAX_BACKLOG = 120_000;

async function produceInput(brokers: string[], groupId: string, stop: () => boolean): Promise<void> {
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  const committed = async () => {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topics.input] }).catch(() => [undefined]);
    return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  };
  try {
    for (let from = 0; from < RECORDS && !stop(); from += 10_000) {
      while (from - (await committed()) > MAX_BACKLOG && !stop()) await sleep(200);
      const messages = [];
      for (let n = from; n < Math.min(RECORDS, from + 10_000); n++) {
        messages.push({ key: `k-${n}`, value: JSON.stringify({ n, region: ['EU', 'NA', 'APAC', 'AF'][n % 4], qty: 1 + (n % 5), price: 100 + (n % 900) }) });
      }
      await producer.send({ topic: topics.input, messages });
    }
  } finally {
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  }
}

/**
 * Every key of the output topic, with how often it came, read as it is written (the mock would have
 * deleted the oldest by the end). Stop it to get the counts.
 */
async function readOutput(brokers: string[]): Promise<{ seen: Map<string, number>; stop: () => Promise<void> }> {
  const seen = new Map<string, number>();
  const consumer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `crash-check-${run}` });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.output, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const key = message.key!.toString();
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    },
  });
  return { seen, stop: () => consumer.disconnect() };
}

function writeFiles(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'conflux-crash-files-'));
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < FILES; f++) {
    const lines = Array.from({ length: LINES }, (_, i) => JSON.stringify({ key: `f${f}:${i}`, v: i }));
    writeFileSync(path.join(dir, `part-${f}.jsonl`), `${lines.join('\n')}\n`);
  }
  return dir;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The flow, built through the REST API as a user would. */
async function buildFlow(url: string, brokers: string[], filesDir: string, httpPort: number): Promise<{ flowId: string; names: Map<string, string> }> {
  const call = async (method: string, pathname: string, body?: unknown) => {
    const answer = await api(url, method, pathname, body);
    assert.ok(answer.status < 300, `${method} ${pathname}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const flowId: string = (await call('POST', '/api/flows', { name: 'Crash test' })).flow.id;
  const base = `/api/flows/${flowId}`;
  const service = async (type: string, properties: Record<string, unknown>) => (await call('POST', `${base}/services`, { type, properties })).service.id as string;
  const shop = await service('MySQLPool', { ...MARIADB, database: DATABASE });
  const warehouse = await service('PostgreSQLPool', { ...POSTGRES, database: DATABASE });
  const kafka = await service('KafkaCluster', { brokers: brokers.join(',') });
  let x = 0;
  const names = new Map<string, string>();
  const processor = async (type: string, patch: Record<string, unknown>) => {
    const { processor } = await call('POST', `${base}/processors`, { type, position: { x: (x += 200), y: 0 } });
    await call('PATCH', `${base}/processors/${processor.id}`, patch);
    names.set(processor.id, `${type}#${names.size + 1}`);
    return processor.id as string;
  };
  const connect = (sourceId: string, targetId: string, relationship = 'success') => call('POST', `${base}/connections`, { sourceId, relationship, targetId });
  const upsert = (table: string, key: string) => ({ properties: { database: warehouse, table, mode: 'upsert', keyColumns: key }, autoTerminated: ['success', 'failure'] });
  const fail = { autoTerminated: ['failure'] };

  const read = await processor('QueryDatabaseTable', { properties: { database: shop, table: `orders_${RECORDS}`, maxValueColumn: 'id', pageSize: 5_000 }, batchSize: 5_000 });
  const consume = await processor('ConsumeKafka', { properties: { cluster: kafka, topics: topics.input, groupId: `crash-${run}`, fromBeginning: true, sessionTimeoutMs: 6_000 }, autoTerminated: ['failure'] });
  const fromDb = await processor('Transform', { properties: { expression: '{"key": "m-" & $string(id), "region": region, "qty": qty, "total": qty * price}', mode: 'replace' }, ...fail });
  const fromKafka = await processor('Transform', { properties: { expression: '{"key": "k-" & $string(n), "region": region, "qty": qty, "total": qty * price}', mode: 'replace' }, ...fail });
  const orders = await processor('PutDatabaseRecord', upsert('orders_sink', 'key'));
  const publish = await processor('PublishKafka', { properties: { cluster: kafka, topic: topics.output, keyField: 'key' }, autoTerminated: ['success', 'failure'] });
  const listen = await processor('ListenHTTP', { properties: { port: httpPort, host: '127.0.0.1', basePath: '/orders' } });
  const requests = await processor('PutDatabaseRecord', upsert('http_sink', 'id'));
  const files = await processor('GetFile', { properties: { directory: filesDir, pattern: '*.jsonl', minAgeMs: 0, after: 'delete', pollIntervalMs: 200 }, autoTerminated: ['parse.failure'] });
  const lines = await processor('PutDatabaseRecord', upsert('file_sink', 'key'));
  await connect(read, fromDb);
  await connect(consume, fromKafka);
  for (const transform of [fromDb, fromKafka]) {
    await connect(transform, orders);
    await connect(transform, publish);
  }
  await connect(listen, requests);
  await connect(files, lines);
  const started = await call('POST', `${base}/run`, { action: 'start' });
  assert.deepEqual(started.invalid, [], 'every processor starts');
  return { flowId, names };
}

/** What the engine says of each processor and connection: printed when the sinks fall short. */
async function describe(url: string, flowId: string, names: Map<string, string>): Promise<string> {
  const { status } = (await api(url, 'GET', `/api/flows/${flowId}/status`)).body as { status: FlowStats };
  const lines = Object.entries(status.processors).map(([id, p]) => {
    const bulletins = p.bulletins.slice(-3).map((b) => `\n#       ${b.level} ${b.message}`).join('');
    return `#     ${names.get(id) ?? id} ${p.state} in ${p.in} out ${p.out} errors ${p.errors} retried ${p.retried}${p.backPressured ? ' back-pressured' : ''}${p.view ? ` ${JSON.stringify(p.view).slice(0, 240)}` : ''}${bulletins}`;
  });
  for (const [id, c] of Object.entries(status.connections)) if (c.queued) lines.push(`#     connection ${id}: ${c.queued} queued (${c.onDisk} on disk)`);
  for (const b of status.engine?.bulletins ?? []) lines.push(`#     engine ${b.level} ${b.message}`);
  return lines.join('\n');
}

/**
 * Requests of PER_REQUEST records, one after another, each sent until it is answered 200 (the server
 * is down half the time): the ids of every record answered 200 are kept.
 */
async function sendRequests(port: number, acknowledged: Set<string>, stop: () => boolean): Promise<number> {
  let resent = 0;
  for (let r = 0; r < HTTP_REQUESTS && !stop(); r++) {
    const records = Array.from({ length: PER_REQUEST }, (_, i) => ({ id: `h-${r}-${i}`, n: r * PER_REQUEST + i }));
    for (;;) {
      try {
        const answer = await fetch(`http://127.0.0.1:${port}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(records), signal: AbortSignal.timeout(10_000) });
        await answer.text();
        if (answer.status === 200) {
          for (const record of records) acknowledged.add(record.id);
          break;
        }
      } catch {
        // the server is down (killed, restarting): send again
      }
      resent++;
      await sleep(50);
    }
  }
  return resent;
}

async function count(table: string, column: string): Promise<{ rows: number; distinct: number }> {
  const client = new pg.Client({ ...POSTGRES, database: DATABASE });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT count(*)::int AS rows, count(DISTINCT ${column})::int AS distinct FROM ${table}`);
    return rows[0];
  } finally {
    await client.end();
  }
}

test(`nothing acknowledged is lost: ${KILLS} SIGKILLs and a SIGTERM of the real server while four sources run`, { timeout: 30 * 60_000 }, async () => {
  await prepareDatabases();
  const brokers = await kafkaTestBrokers();
  let sending = true;
  const producing = produceInput(brokers, `crash-${run}`, () => !sending);
  const output = await readOutput(brokers);
  const filesDir = writeFiles();
  const httpPort = await freePort();
  const databaseUrl = tempSqliteUrl();
  const repository = mkdtempSync(path.join(tmpdir(), 'conflux-crash-repository-'));
  const start = () => startConflux({ databaseUrl, repository, env: { CONFLUX_NO_DEMO: '1' } });

  server = await start();
  const { flowId, names } = await buildFlow(server.url, brokers, filesDir, httpPort);
  const acknowledged = new Set<string>();
  const client = sendRequests(httpPort, acknowledged, () => !sending);

  const restart = async (signal: 'SIGKILL' | 'SIGTERM') => {
    const old = server!;
    if (signal === 'SIGKILL') process.kill(old.pid, 'SIGKILL');
    await old.stop(); // SIGKILL: waits for the exit; SIGTERM: the clean stop
    const began = Date.now();
    server = await start();
    process.stdout.write(`#   listening again after ${Date.now() - began} ms\n`);
  };
  const expectedOrders = 2 * RECORDS;
  const progress = async () => `${(await count('orders_sink', 'key')).rows} orders, ${(await count('http_sink', 'id')).rows} requests' records, ${(await count('file_sink', 'key')).rows} lines`;
  for (let kill = 1; kill <= KILLS; kill++) {
    await sleep(1_000 + Math.random() * 3_000);
    process.stdout.write(`# kill -9 #${kill} at ${await progress()}\n`);
    await restart('SIGKILL');
  }
  await sleep(1_000 + Math.random() * 2_000);
  process.stdout.write(`# SIGTERM at ${await progress()}\n`);
  await restart('SIGTERM');

  const deadline = Date.now() + 15 * 60_000;
  let reported = Date.now();
  let moved = { at: Date.now(), total: -1 };
  for (;;) {
    const orders = await count('orders_sink', 'key');
    const lines = await count('file_sink', 'key');
    const done = orders.rows >= expectedOrders && lines.rows >= FILES * LINES && acknowledged.size >= HTTP_REQUESTS * PER_REQUEST;
    if (done) break;
    const total = orders.rows + lines.rows + acknowledged.size;
    if (total !== moved.total) moved = { at: Date.now(), total };
    const stalled = Date.now() - moved.at > 90_000;
    if (stalled || Date.now() > deadline) {
      process.stdout.write(`# ${stalled ? 'no progress for 90 s' : 'not done after 15 min'}: ${await progress()}\n${await describe(server.url, flowId, names)}\n`);
      break;
    }
    if (Date.now() - reported > 60_000) {
      reported = Date.now();
      process.stdout.write(`#   ${await progress()}\n`);
    }
    await sleep(500);
  }
  sending = false;
  const resent = await client;
  await producing;
  // what the flow published last is read before the counts are taken
  for (let waited = 0; output.seen.size < expectedOrders && waited < 30_000; waited += 500) await sleep(500);
  await output.stop();

  const orders = await count('orders_sink', 'key');
  const lines = await count('file_sink', 'key');
  const client_ = new pg.Client({ ...POSTGRES, database: DATABASE });
  await client_.connect();
  const { rows: httpRows } = await client_.query('SELECT id FROM http_sink');
  await client_.end();
  const inSink = new Set(httpRows.map((r: { id: string }) => r.id));
  const httpMissing = [...acknowledged].filter((id) => !inSink.has(id)).length;
  const outputMissing = expectedOrders - output.seen.size;
  const redelivered = [...output.seen.values()].reduce((sum, n) => sum + n - 1, 0);
  // a file is deleted once its records are safe: an acknowledgement, which may follow them by a few seconds (holdbackMs)
  const unread = () => readdirSync(filesDir).filter((f) => f.endsWith('.jsonl'));
  for (let waited = 0; unread().length > 0 && waited < 30_000; waited += 500) await sleep(500);
  const leftFiles = unread();
  process.stdout.write(
    [
      `# crash test: ${KILLS} SIGKILLs and 1 SIGTERM`,
      `#   PostgreSQL orders: ${expectedOrders} keys expected, ${orders.distinct} present, ${expectedOrders - orders.distinct} missing, ${orders.rows - orders.distinct} duplicates`,
      `#   Kafka output: ${output.seen.size} keys, ${outputMissing} missing, ${redelivered} re-delivered (at least once)`,
      `#   ListenHTTP: ${acknowledged.size} records answered 200, ${httpMissing} missing in PostgreSQL (${resent} requests sent again)`,
      `#   GetFile: ${FILES * LINES} lines, ${lines.distinct} present, ${FILES * LINES - lines.distinct} missing; ${leftFiles.length} files left undeleted`,
    ].join('\n') + '\n',
  );
  assert.equal(orders.distinct, expectedOrders, 'every MariaDB row and Kafka message in PostgreSQL');
  assert.equal(orders.rows, orders.distinct);
  assert.equal(outputMissing, 0, 'every key in the output topic');
  assert.equal(acknowledged.size, HTTP_REQUESTS * PER_REQUEST);
  assert.equal(httpMissing, 0, 'every record answered 200 is in PostgreSQL');
  assert.equal(lines.distinct, FILES * LINES, 'every line of every file');
  assert.deepEqual(leftFiles, [], 'every file read to its end is deleted');
});
