/**
 * The Kafka side of the Kafka → PostgreSQL benchmark, shared by the Conflux case and its baseline:
 * topics holding N JSON orders between them (the MySQL case's orders, same values), produced once
 * per cluster and reused while it lives, and the check that the PostgreSQL target holds exactly
 * those orders.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, logLevel, type Admin, type Message } from 'kafkajs';
import pg from 'pg';
import { kafkaTestBrokers } from '../../engine/testing/kafka-mock';
import { POSTGRES } from './mysql-to-postgres-tables';

export const TARGET = 'orders_from_kafka';

/** KAFKA_BROKERS when set, otherwise the mock cluster (the shared one if running, else one of our own). */
export const brokers = () => kafkaTestBrokers();

const REGIONS = ['EU', 'NA', 'APAC', 'AF'];
const EPOCH = Date.UTC(2024, 0, 1);

/** Order `seq` (1 … N): the row the MySQL case's source table has for the same id. */
export function order(seq: number) {
  return {
    id: seq,
    region: REGIONS[seq % 4],
    sku: `PF-${100 + (seq % 400)}`,
    qty: 1 + (seq % 5),
    price: (1000 + (seq % 9000)) / 100,
    ordered_at: new Date(EPOCH + seq * 1000).toISOString().slice(0, 19).replace('T', ' '),
  };
}

/** Messages per produce request (a whole number of them per topic). */
const PRODUCE_BATCH = 12_500;
/**
 * Orders per topic. The mock cluster keeps at most 5 MiB (and 100,000 messages) per partition and
 * drops the oldest beyond that, so N orders are spread over topics of 4 × 31,250 messages (about
 * 4 MB per partition); a real cluster would not mind.
 */
const ORDERS_PER_TOPIC = 125_000;

/**
 * The topics holding orders 1 … N between them (see prepareTopics), prepared in a child process so
 * that producing them does not count in this process's peak memory. The cluster must outlive the
 * child: pass the brokers of one this process holds (or KAFKA_BROKERS).
 */
export async function topicsOfOrders(rows: number, brokerList: string[]): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, String(rows), brokerList.join(',')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const line = output.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('[')) throw new Error(`preparing the topics of ${rows} orders failed (exit ${code}): ${output}`);
  return JSON.parse(line) as string[];
}

/**
 * The topics holding exactly orders 1 … N between them, producing them if needed. The first set of
 * topics holding N messages is used; a set holding another count (a preparation that was
 * interrupted) is skipped. The mock auto-creates topics (4 partitions) on first use; its
 * createTopics fails.
 */
export async function prepareTopics(rows: number, brokerList: string[]): Promise<string[]> {
  const kafka = new Kafka({ brokers: brokerList, clientId: 'bench-prepare', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const set = `orders_bench_${rows}${attempt === 1 ? '' : `_try${attempt}`}`;
      const topics = Array.from({ length: Math.ceil(rows / ORDERS_PER_TOPIC) }, (_, k) => `${set}.${k + 1}`);
      const held = await messagesIn(admin, topics);
      if (held === rows) return topics;
      if (held > 0) continue;
      process.stderr.write(`producing ${rows.toLocaleString('en-US')} orders into ${topics.length} topics ${set}.* …\n`);
      // created (asking for their metadata auto-creates them) before producing to them
      await admin.fetchTopicMetadata({ topics });
      await produce(kafka, topics, rows);
      // acks 1: the leaders have them all; consumers see them once the high-water marks (replicated) are there
      const deadline = Date.now() + 30_000;
      let produced = 0;
      while ((produced = await messagesIn(admin, topics)) < rows && Date.now() < deadline) await sleep(100);
      if (produced !== rows) throw new Error(`topics ${set}.* hold ${produced} messages after producing ${rows}`);
      return topics;
    }
    throw new Error(`no usable topics orders_bench_${rows}[_try2…10].*: all hold another number of messages`);
  } finally {
    await admin.disconnect();
  }
}

/** Messages the topics hold between them (0 for topics that do not exist). */
async function messagesIn(admin: Admin, topics: readonly string[]): Promise<number> {
  const existing = new Set((await admin.fetchTopicMetadata({ topics: [] })).topics.map((t) => t.name));
  let held = 0;
  for (const topic of topics.filter((t) => existing.has(t))) {
    for (const p of await admin.fetchTopicOffsets(topic)) held += Number(p.high) - Number(p.low);
  }
  return held;
}

/** Orders 1 … N, the first ORDERS_PER_TOPIC into the first topic, and so on. */
async function produce(kafka: Kafka, topics: readonly string[], rows: number): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let first = 1; first <= rows; first += PRODUCE_BATCH) {
      const messages: Message[] = [];
      for (let seq = first; seq < Math.min(rows + 1, first + PRODUCE_BATCH); seq++) messages.push({ value: JSON.stringify(order(seq)) });
      await producer.send({ topic: topics[Math.floor((first - 1) / ORDERS_PER_TOPIC)], messages, acks: 1 });
    }
  } finally {
    await producer.disconnect();
  }
}

/** The target holds orders 1 … N exactly: count, distinct ids, sums and the last timestamp. */
export async function verifyTarget(rows: number): Promise<void> {
  let qty = 0;
  let priceCents = 0;
  for (let seq = 1; seq <= rows; seq++) {
    qty += 1 + (seq % 5);
    priceCents += 1000 + (seq % 9000);
  }
  const expected = { n: rows, ids: rows, qty, price: (priceCents / 100).toFixed(2), last: order(rows).ordered_at };
  const client = new pg.Client(POSTGRES);
  await client.connect();
  try {
    const { rows: [actual] } = await client.query(
      `SELECT COUNT(*)::int AS n, COUNT(DISTINCT id)::int AS ids, SUM(qty)::bigint AS qty, SUM(price)::text AS price,
              to_char(MAX(ordered_at), 'YYYY-MM-DD HH24:MI:SS') AS last FROM ${TARGET}`,
    );
    const same = actual.n === expected.n && actual.ids === expected.ids && Number(actual.qty) === expected.qty && actual.price === expected.price && actual.last === expected.last;
    if (!same) throw new Error(`${TARGET} does not hold the ${rows} orders of the topics: ${JSON.stringify({ expected, actual })}`);
  } finally {
    await client.end();
  }
}

// run as a script (by topicsOfOrders): prepare, print the topic names as one JSON line
if (process.argv[1] === import.meta.filename) {
  const [rows, brokerList] = process.argv.slice(2);
  process.stdout.write(`${JSON.stringify(await prepareTopics(Number(rows), brokerList.split(',')))}\n`);
}
