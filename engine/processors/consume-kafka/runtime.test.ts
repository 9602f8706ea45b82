import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { connectionConfig, flowGraph, processorConfig, serviceConfig } from '../../flow/build';
import { Connection } from '../../runtime/connection';
import { Engine } from '../../runtime/engine';
import { ProcessorNode } from '../../runtime/processor-node';
import { MemoryStateStore } from '../../runtime/state-store';
import { StoreDurability } from '../../runtime/durability';
import type { FlowRecord } from '../../sdk';
import kafkaClusterService, { openKafkaCluster } from '../../services/kafka/runtime';
import { processorImplementations } from '../runtimes';
import { kafkaTestBrokers, startKafkaTestCluster } from '../../testing/kafka-mock';
import { runProcessor, type ProcessorTestRunner } from '../../testing/run-processor';
import { until } from '../../testing/until';
import consumeKafka from './runtime';

// A real Kafka protocol server: librdkafka's mock cluster (topics auto-created with 4 partitions).
const brokers = await kafkaTestBrokers();
const cluster = openKafkaCluster('Test cluster', { brokers: brokers.join(','), clientId: 'consume-test', ssl: false, sasl: 'none', username: '', password: '' });
const plain = new Kafka({ brokers, clientId: 'consume-test-plain', logLevel: logLevel.NOTHING });
const producer = plain.producer();
await producer.connect();
after(async () => {
  await producer.disconnect();
  await cluster.close();
});

const run = `${process.pid}-${Date.now().toString(36)}`;
const unique = (name: string) => `consume-${name}-${run}`;
// a short session: the mock cluster waits (session timeout - 1 s) for members to rejoin after a change
const SESSION = { sessionTimeoutMs: 3_000 };

async function produce(topic: string, count: number, first = 0): Promise<void> {
  const messages: Message[] = Array.from({ length: count }, (_, i) => ({ key: `k${first + i}`, value: JSON.stringify({ n: first + i }) }));
  await producer.send({ topic, messages });
}

function consumer(props: Record<string, unknown>) {
  return runProcessor(consumeKafka).service('kafka', cluster).props({ cluster: 'kafka', ...SESSION, ...props });
}

/** Trigger until the check holds (a wait-until, not a fixed sleep). */
async function runUntil(runner: ProcessorTestRunner, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await runner.run();
    if (check()) return;
    if (Date.now() > end) throw new Error('timed out waiting for messages');
    await sleep(10);
  }
}

const numbers = (records: readonly FlowRecord[]) => records.map((r) => (r.content as { n: number }).n);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const range = (count: number, first = 0) => Array.from({ length: count }, (_, i) => first + i);

async function committedOffsets(groupId: string, topic: string): Promise<Record<number, string>> {
  const admin = plain.admin();
  await admin.connect();
  try {
    const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Object.fromEntries(partitions.map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * The processor as the engine runs it, its `success` relationship missing while `refuse(true)`: every
 * trigger that routes a record throws and rolls back.
 */
async function nodeWithRefusingQueue(props: Record<string, unknown>) {
  const config = processorConfig({ id: 'consume', type: 'ConsumeKafka', properties: { cluster: 'kafka', ...SESSION, ...props }, batchSize: 100 });
  const node = new ProcessorNode(config, consumeKafka, {
    flowId: 'rollback',
    service: async () => cluster,
    durability: new StoreDurability(new MemoryStateStore()),
    sync: () => false,
    wake: () => undefined,
  });
  const settings = { countThreshold: 1_000, bytesThreshold: 1e9, prioritizer: 'FIFO', expirationMs: 0 } as const;
  const success = new Connection({ id: 'out', sourceId: 'consume', relationship: 'success', targetId: 'test' }, settings);
  const refuse = (on: boolean) => {
    if (on) node.outputs.delete('success');
    else node.outputs.set('success', [success]);
  };
  node.outputs.set('failure', []);
  refuse(true);
  await node.start();
  return { node, success, refuse };
}

// Each test has its own topic and group: they run together, so the file takes as long as the longest one.
describe('ConsumeKafka against a Kafka cluster', { concurrency: true }, () => {
  test('each message becomes a record: JSON value as content, key, position, timestamp and headers as attributes', async () => {
    const topic = unique('records');
    await producer.send({
      topic,
      messages: [
        { key: 'order-1', value: JSON.stringify({ orderId: 1, total: 39 }), headers: { source: 'eu-shop', trace: ['a', 'b'] }, timestamp: '1700000000000' },
        { key: null, value: 'not json {', partition: 0 },
        { key: 'order-2', value: null },
      ],
    });
    const consume = consumer({ topics: topic, groupId: unique('records') });
    await runUntil(consume, () => consume.routed('success').length + consume.routed('failure').length === 3);
    await consume.stop();

    const byKey = (key: string) => consume.routed('success').find((r) => r.attributes['kafka.key'] === key)!;
    const [order, tombstone] = [byKey('order-1'), byKey('order-2')];
    assert.deepEqual(order.content, { orderId: 1, total: 39 });
    const { 'kafka.partition': partition, 'kafka.offset': offset, ...rest } = order.attributes;
    assert.match(partition, /^[0-3]$/);
    assert.match(offset, /^\d+$/);
    assert.deepEqual(rest, {
      'kafka.topic': topic,
      'kafka.key': 'order-1',
      'kafka.timestamp': '1700000000000',
      'kafka.header.source': 'eu-shop',
      'kafka.header.trace': 'a,b',
    });
    assert.equal(tombstone.content, null, 'a null value (tombstone) is null content');

    const [bad] = consume.routed('failure');
    assert.equal(bad.content, 'not json {', 'the raw text is kept');
    assert.equal(bad.attributes['kafka.partition'], '0');
    assert.equal(bad.attributes['kafka.key'], undefined, 'no key, no attribute');
    assert.match(bad.attributes['error.message'], new RegExp(`not valid JSON \\(topic ${topic}, partition 0, offset 0\\)`));
  });

  test('text format keeps the value as a string; messages of a partition arrive in offset order', async () => {
    const topic = unique('text');
    await producer.send({ topic, messages: range(20).map((n) => ({ key: `k${n % 3}`, value: `line ${n}` })) });
    const consume = consumer({ topics: topic, groupId: unique('text'), valueFormat: 'text' });
    await runUntil(consume, () => consume.routed('success').length === 20);
    await consume.stop();
    const records = consume.routed('success');
    assert.deepEqual(records.map((r) => r.content as string).sort(), range(20).map((n) => `line ${n}`).sort());
    for (const p of ['0', '1', '2', '3']) {
      const offsets = records.filter((r) => r.attributes['kafka.partition'] === p).map((r) => Number(r.attributes['kafka.offset']));
      assert.deepEqual(offsets, sorted(offsets), `partition ${p} in order`);
    }
  });

  test('a rolled-back session commits no offsets: its messages come again, in order, and a restart reads them again', async () => {
    const topic = unique('rollback');
    const groupId = unique('rollback');
    await produce(topic, 30);
    const { node, success, refuse } = await nodeWithRefusingQueue({ topics: topic, groupId });
    const end = Date.now() + 15_000;
    while (node.counters.errors < 3) {
      assert.ok(Date.now() < end, `timed out waiting for rolled-back triggers: ${JSON.stringify([node.counters, node.bulletins])}`);
      await node.trigger(Date.now());
      await sleep(10);
    }
    assert.match(node.bulletins.at(-1)!.message, /no relationship named "success"/);
    assert.equal(success.size, 0);

    // the same messages, in the same order, once the queue takes them
    refuse(false);
    await node.trigger(Date.now());
    const first = success.poll(Infinity).records;
    assert.ok(first.length > 0);
    for (const p of ['0', '1', '2', '3']) {
      const offsets = first.filter((r) => r.attributes['kafka.partition'] === p).map((r) => Number(r.attributes['kafka.offset']));
      assert.deepEqual(offsets, range(offsets.length), `partition ${p} starts at offset 0 after the rollbacks`);
    }
    refuse(true);
    // stop before anything else commits: only what the one committed trigger delivered is committed
    await node.stop();
    const committed = await committedOffsets(groupId, topic);
    const delivered = new Map<string, number>();
    for (const r of first) delivered.set(r.attributes['kafka.partition'], (delivered.get(r.attributes['kafka.partition']) ?? 0) + 1);
    for (const p of [0, 1, 2, 3]) assert.equal(committed[p], delivered.has(String(p)) ? String(delivered.get(String(p))) : '-1', `partition ${p}`);

    // a restart in the same group reads everything not committed
    const restarted = consumer({ topics: topic, groupId });
    await runUntil(restarted, () => first.length + restarted.routed('success').length >= 30);
    await restarted.stop();
    assert.deepEqual(sorted([...numbers(first), ...numbers(restarted.routed('success'))]), range(30));
  });

  test('offsets are committed once the session commits: a restart in the group reads only newer messages', async () => {
    const topic = unique('commit');
    const groupId = unique('commit');
    await produce(topic, 25);
    const firstRun = consumer({ topics: topic, groupId }).batch(10);
    await runUntil(firstRun, () => firstRun.routed('success').length === 25);
    await firstRun.stop();
    assert.deepEqual(sorted(numbers(firstRun.routed('success'))), range(25));
    const committed = await committedOffsets(groupId, topic);
    assert.equal(Object.values(committed).reduce((sum, offset) => sum + Number(offset === '-1' ? 0 : offset), 0), 25, 'every message committed');

    await produce(topic, 5, 25);
    const restarted = consumer({ topics: topic, groupId });
    await runUntil(restarted, () => restarted.routed('success').length >= 5);
    await restarted.stop();
    assert.deepEqual(sorted(numbers(restarted.routed('success'))), range(5, 25), 'only the new messages, nothing re-delivered');
  });

  test('back pressure: a full buffer holds fetching back and never holds more than its size', async () => {
    const topic = unique('pressure');
    await produce(topic, 200);
    const consume = consumer({ topics: topic, groupId: unique('pressure'), bufferSize: 20 }).batch(7);
    await consume.run();
    type View = { buffered: number; delivering: number; capacity: number; peak: number; waitingForRoom: boolean };
    const view = () => consume.status.view as View;
    // nobody takes messages: the buffer fills up to its size and the fetched batch waits for room
    await until(() => view().buffered === 20 && view().waitingForRoom);
    assert.ok(view().buffered <= 20);

    await runUntil(consume, () => {
      assert.ok(view().buffered + view().delivering <= 20, 'never more than the buffer size');
      return consume.routed('success').length === 200;
    });
    await consume.stop();
    assert.deepEqual(sorted(numbers(consume.routed('success'))), range(200), 'fetching resumed as the buffer drained');
    assert.equal(view().peak, 20);
  });

  // a batch that never lets go of a stopping consumer would hang the file: fail instead
  test('stopping while a full buffer holds a batch back leaves at once; the group reads the rest later, each message once', { timeout: 20_000 }, async () => {
    const topic = unique('held');
    const groupId = unique('held');
    await produce(topic, 100);
    const first = consumer({ topics: topic, groupId, bufferSize: 10 }).batch(10);
    await first.run();
    const view = () => first.status.view as { waitingForRoom: boolean };
    await until(() => view().waitingForRoom);
    await first.run(); // one session takes the 10: room again, the held batch goes on and fills the buffer
    await until(() => view().waitingForRoom);
    const stopping = Date.now();
    await first.stop();
    // under the service's 5 s disconnect timeout, which would hide a batch that never lets go
    assert.ok(Date.now() - stopping < 4_000, `stop took ${Date.now() - stopping} ms`);

    const second = consumer({ topics: topic, groupId });
    await runUntil(second, () => first.routed('success').length + second.routed('success').length >= 100);
    await second.stop();
    const all = [...numbers(first.routed('success')), ...numbers(second.routed('success'))];
    assert.deepEqual(sorted(all), range(100), 'every message exactly once');
  });

  test('a rebalance loses nothing and delivers nothing twice: buffered messages of partitions that moved are dropped', async () => {
    const topic = unique('rebalance');
    const groupId = unique('rebalance');
    await produce(topic, 40);
    const a = consumer({ topics: topic, groupId });
    await runUntil(a, () => a.routed('success').length === 40);
    // more messages reach a's buffer, but a is not triggered: they are fetched, not delivered
    await produce(topic, 40, 40);
    type View = { buffered: number; assignedPartitions: number };
    await until(() => (a.status.view as View).buffered === 40);

    const b = consumer({ topics: topic, groupId });
    await b.run(); // joins: the group rebalances, and a gives up partitions with messages in its buffer
    await until(() => (a.status.view as View).assignedPartitions < 4);
    assert.ok((a.status.view as View).buffered < 40, 'a dropped the messages of the partitions it lost');
    const both = { run: () => Promise.all([a.run(), b.run()]) } as unknown as ProcessorTestRunner;
    await runUntil(both, () => a.routed('success').length + b.routed('success').length >= 80);
    await Promise.all([a.stop(), b.stop()]);

    const all = [...numbers(a.routed('success')), ...numbers(b.routed('success'))];
    assert.deepEqual(sorted(all), range(80), 'every message exactly once');
    assert.ok(b.routed('success').length > 0, 'b took over partitions');
  });

  test('in a running engine: ConsumeKafka feeds a flow and commits what the flow queued', async () => {
    const topic = unique('engine');
    const groupId = unique('engine');
    const engine = new Engine({ processors: [...processorImplementations, consumeKafka], services: [kafkaClusterService], statsIntervalMs: 100 });
    after(() => engine.shutdown());
    engine.load(
      flowGraph({
        id: 'kafka-to-count',
        services: [serviceConfig({ id: 'events', type: 'KafkaCluster', name: 'Events', properties: { brokers: brokers.join(',') } })],
        processors: [
          processorConfig({ id: 'consume', type: 'ConsumeKafka', properties: { cluster: 'events', topics: topic, groupId, ...SESSION }, autoTerminated: ['failure'] }),
          processorConfig({ id: 'count', type: 'Count' }),
        ],
        connections: [connectionConfig({ id: 'events', sourceId: 'consume', relationship: 'success', targetId: 'count' })],
      }),
    );
    const started = await engine.start('kafka-to-count');
    assert.deepEqual(started.started.sort(), ['consume', 'count'], JSON.stringify(started));
    await produce(topic, 50);
    await until(() => (engine.stats('kafka-to-count').processors.count.view as { count: number }).count === 50);
    await engine.stop('kafka-to-count');
    const committed = await committedOffsets(groupId, topic);
    assert.equal(
      Object.values(committed).reduce((sum, offset) => sum + Math.max(0, Number(offset)), 0),
      50,
      'offsets of all 50 committed',
    );
  });

  test('a cluster that goes away fails the trigger with the reason (a bulletin), not silently', async () => {
    const doomed = await startKafkaTestCluster(1, { dedicated: true });
    const doomedCluster = openKafkaCluster('Doomed', { brokers: doomed.brokers.join(','), clientId: 'doomed', ssl: false, sasl: 'none', username: '', password: '' }, () => undefined);
    after(() => doomedCluster.close());
    const consume = runProcessor(consumeKafka)
      .service('kafka', doomedCluster)
      .props({ cluster: 'kafka', topics: unique('doomed'), groupId: unique('doomed'), ...SESSION });
    await consume.run();
    assert.equal(consume.status.errors, 0);
    await doomed.stop();
    await runUntil(consume, () => consume.status.errors > 0);
    assert.match(consume.status.bulletins[0].message, /Kafka consumer of group consume-doomed-\S+ failed and is restarting: .*(ECONNREFUSED|No broker available)/);
    await consume.stop();
  });

  test('a cluster that cannot be reached at start does not fail the start: the triggers report it and retry', async () => {
    const nowhere = openKafkaCluster('Nowhere', { brokers: '127.0.0.1:1', clientId: 'nowhere', ssl: false, sasl: 'none', username: '', password: '' }, () => undefined);
    after(() => nowhere.close());
    const consume = await runProcessor(consumeKafka)
      .service('kafka', nowhere)
      .props({ cluster: 'kafka', topics: 'orders', groupId: unique('nowhere'), ...SESSION })
      .run();
    assert.equal(consume.status.state, 'RUNNING');
    assert.match(consume.status.bulletins[0]?.message ?? '', /Kafka consumer of group \S+ failed and is restarting: cannot consume orders as group \S+ from Kafka cluster "Nowhere" \(127\.0\.0\.1:1\): .*ECONNREFUSED/);
    await consume.stop();
  });
});
