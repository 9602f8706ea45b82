/**
 * Kafka → PostgreSQL: N JSON orders, from topics of 4 partitions (125,000 orders each), into a
 * PostgreSQL table, either
 * - conflux: a flow in the engine, ConsumeKafka (fresh group, batches of 10,000) → PutDatabaseRecord
 *   (insert: one COPY per batch, two batches in flight), or
 * - baseline: the same by hand with the same drivers at their best: a kafkajs consumer (eachBatch),
 *   JSON.parse, COPY FROM STDIN chunks of 10,000 rows over two connections in turn, the offsets of
 *   a chunk committed once it and every chunk before it are written (at-least-once, as the flow).
 * Both consumers use the same kafkajs client settings (ConsumeKafka's: 500 ms fetch wait, 30 s
 * session, kafkajs's default fetch sizes, which ConsumeKafka does not expose), and the clock runs
 * from the group's assignment of the partitions to the last row written (see figures). Verifies
 * the table, then prints one JSON line.
 * Usage: kafka-to-postgres.ts <conflux|baseline> [N]   (KAFKA_BROKERS, or the kcat mock cluster)
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { connectionConfig, flowGraph, processorConfig, serviceConfig } from '../../engine/flow/build';
import consumeKafka from '../../engine/processors/consume-kafka/runtime';
import putDatabaseRecord from '../../engine/processors/put-database-record/runtime';
import { Engine } from '../../engine/runtime/engine';
import kafkaCluster from '../../engine/services/kafka/runtime';
import postgresqlPool from '../../engine/services/sql/postgresql/runtime';
import { COLUMNS, POSTGRES, recreateTarget } from './mysql-to-postgres-tables';
import { TARGET, brokers, topicsOfOrders, verifyTarget } from './kafka-to-postgres-topic';
import { benchRepository, eventLoopLag, peakRssMB, report, type CaseResult } from './shared';

const mode = process.argv[2];
if (mode !== 'conflux' && mode !== 'baseline') throw new Error('usage: kafka-to-postgres.ts <conflux|baseline> [N]');
const rows = Number(process.argv[3] ?? 1_000_000);

const BATCH = 10_000;
/**
 * Messages ConsumeKafka may hold (waiting, or in sessions not yet committed): two batches, one being
 * queued while the next arrives. More only costs memory: 20,000 to 100,000 made no difference in rows/s.
 */
const BUFFER = Number(process.env.BENCH_BUFFER ?? 20_000);
/** ConsumeKafka's consumer settings (group-reader.ts with the default 30 s session), for the baseline. */
const CONSUMER = { sessionTimeout: 30_000, heartbeatInterval: 10_000, maxWaitTimeInMs: 500 };
/** The KafkaCluster service's client retries (services/kafka/runtime.ts), for the baseline. */
const RETRY = { initialRetryTime: 250, retries: 3 };

const brokerList = await brokers();
const topics = await topicsOfOrders(rows, brokerList);
await recreateTarget(TARGET);
const groupId = `bench-${mode}-${process.pid}-${Date.now().toString(36)}`;

const result = mode === 'conflux' ? await runConflux() : await runBaseline();
await verifyTarget(rows);
report(result);

async function runConflux(): Promise<CaseResult> {
  const graph = flowGraph({
    id: 'bench-kafka',
    services: [
      serviceConfig({ id: 'kafka', type: 'KafkaCluster', properties: { brokers: brokerList.join(','), clientId: 'bench-conflux' } }),
      serviceConfig({ id: 'warehouse', type: 'PostgreSQLPool', properties: { ...POSTGRES } }),
    ],
    processors: [
      processorConfig({
        id: 'consume',
        type: 'ConsumeKafka',
        batchSize: BATCH,
        properties: { cluster: 'kafka', topics: topics.join(','), groupId, fromBeginning: true, bufferSize: BUFFER },
        autoTerminated: ['failure'],
      }),
      processorConfig({
        id: 'write',
        type: 'PutDatabaseRecord',
        batchSize: BATCH,
        // two batches in flight: one being encoded and sent while the other waits for PostgreSQL
        scheduling: { concurrency: 2 },
        properties: { database: 'warehouse', table: TARGET, mode: 'insert' },
        autoTerminated: ['success', 'failure'],
      }),
    ],
    connections: [connectionConfig({ id: 'orders', sourceId: 'consume', relationship: 'success', targetId: 'write' })],
  });
  const store = await benchRepository();
  const engine = new Engine({ processors: [consumeKafka, putDatabaseRecord], services: [kafkaCluster, postgresqlPool], repository: store?.repository });
  engine.load(graph);
  const lag = eventLoopLag();
  const started = performance.now();
  const stats = () => engine.stats('bench-kafka').processors;
  const starting = engine.start('bench-kafka');
  // the processor's view counts the partitions once the group has assigned them
  const assigned = () => (stats().consume.view as { assignedPartitions?: number } | undefined)?.assignedPartitions ?? 0;
  while (assigned() === 0 && stats().consume.errors === 0) await sleep(1);
  const joined = performance.now();
  const status = await starting;
  if (status.invalid.length || status.failed.length) throw new Error(`bench flow did not start: ${JSON.stringify(status)}`);
  while (stats().write.in < rows) {
    const { consume, write } = stats();
    if (write.errors > 0 || consume.errors > 0) throw new Error(`the flow failed: ${JSON.stringify([...consume.bulletins, ...write.bulletins])}`);
    await sleep(5);
  }
  const finished = performance.now();
  const { peak } = stats().consume.view as { peak: number };
  await engine.shutdown();
  await store?.close();
  return { ...figures('conflux-kafka-to-postgres', started, joined, finished), eventLoopLagP99Ms: lag.p99Ms(), bufferedPeak: peak };
}

async function runBaseline(): Promise<CaseResult> {
  const started = performance.now();
  const kafka = new Kafka({ brokers: brokerList, clientId: 'bench-baseline', retry: RETRY, logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId, ...CONSUMER });
  let joined = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined ||= performance.now()));
  const targets = [new pg.Client(POSTGRES), new pg.Client(POSTGRES)];
  await Promise.all([consumer.connect(), ...targets.map((t) => t.connect())]);
  await consumer.subscribe({ topics, fromBeginning: true });

  // COPY text format: tab-separated; these values hold no tabs, newlines or backslashes
  const copy = (text: string, target: pg.Client) =>
    pipeline(Readable.from([text]), target.query(copyFrom(`COPY ${TARGET} (${COLUMNS.join(', ')}) FROM STDIN`)));
  /** Chunks go to the two connections in turn; each waits for its connection's previous chunk. */
  const inFlight: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];
  let chunks = 0;
  /** Commits in chunk order: a chunk's offsets only once it and all chunks before it are written. */
  let committed = Promise.resolve();
  let text = '';
  let count = 0;
  let taken = 0;
  /** Per topic and partition, the offset of the last message in the chunk being built. */
  let lastOffsets = new Map<string, { topic: string; partition: number; offset: string }>();
  let allWritten!: () => void;
  let failed!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => ((allWritten = resolve), (failed = reject)));

  async function flush(): Promise<void> {
    const chunk = text;
    // Kafka's meaning of a committed offset: the next message to read
    const offsets = [...lastOffsets.values()].map((last) => ({ ...last, offset: String(BigInt(last.offset) + 1n) }));
    const last = taken === rows;
    text = '';
    count = 0;
    lastOffsets = new Map();
    const slot = chunks++ % targets.length;
    await inFlight[slot];
    const write = copy(chunk, targets[slot]);
    inFlight[slot] = write;
    committed = Promise.all([committed, write])
      .then(() => consumer.commitOffsets(offsets))
      .then(() => {
        if (last) allWritten();
      }, failed);
  }

  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const { messages, topic, partition } = batch;
      const key = `${topic}:${partition}`;
      for (let m = 0; m < messages.length; m++) {
        const o = JSON.parse(messages[m].value!.toString());
        text += `${o.id}\t${o.region}\t${o.sku}\t${o.qty}\t${o.price}\t${o.ordered_at}\n`;
        taken++;
        if (++count === BATCH || taken === rows) {
          lastOffsets.set(key, { topic, partition, offset: messages[m].offset });
          await flush();
        }
      }
      if (count > 0 && messages.length > 0) lastOffsets.set(key, { topic, partition, offset: messages[messages.length - 1].offset });
    },
  });
  await done;
  const finished = performance.now();
  await consumer.disconnect();
  await Promise.all(targets.map((t) => t.end()));
  return figures('baseline-kafka-to-postgres-copy', started, joined, finished);
}

/**
 * Rows per second from the moment the group assigned the partitions to the last row written: the
 * mock cluster holds a new group's first join back for 3 s (group.initial.rebalance.delay.ms), the
 * same for both, which would otherwise swamp the copy itself. The join is reported apart.
 */
function figures(engine: string, started: number, joined: number, finished: number): CaseResult {
  const seconds = (finished - joined) / 1000;
  return {
    engine,
    records: rows,
    seconds: Math.round(seconds * 100) / 100,
    recordsPerSec: Math.round(rows / seconds),
    peakRssMB: peakRssMB(),
    joinSeconds: Math.round((joined - started) / 10) / 100,
  };
}
