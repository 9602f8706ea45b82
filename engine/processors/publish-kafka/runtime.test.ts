import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { connectionConfig, flowGraph, processorConfig, serviceConfig } from '../../flow/build';
import { Engine } from '../../runtime/engine';
import { createRecord } from '../../sdk';
import kafkaClusterService, { openKafkaCluster } from '../../services/kafka/runtime';
import { kafkaTestBrokers } from '../../testing/kafka-mock';
import { runProcessor } from '../../testing/run-processor';
import { until } from '../../testing/until';
import consumeKafka from '../consume-kafka/runtime';
import { processorImplementations } from '../runtimes';
import { parseProperties } from '../../flow/validate';
import type { AnySpec } from '../../sdk/define-processor';
import publishKafka from './runtime';
import { publishKafkaSpec } from './spec';

// A real Kafka protocol server: librdkafka's mock cluster (topics auto-created with 4 partitions).
const brokers = await kafkaTestBrokers();
const clusterProps = { brokers: brokers.join(','), clientId: 'publish-test', ssl: false, sasl: 'none', username: '', password: '' } as const;
const cluster = openKafkaCluster('Test cluster', clusterProps);
const plain = new Kafka({ brokers, clientId: 'publish-test-plain', logLevel: logLevel.NOTHING });
after(() => cluster.close());

const run = `${process.pid}-${Date.now().toString(36)}`;
const unique = (name: string) => `publish-${name}-${run}`;

function publisher(props: Record<string, unknown>, service = cluster) {
  return runProcessor(publishKafka).service('kafka', service).props({ cluster: 'kafka', ...props });
}

interface Received {
  topic: string;
  partition: number;
  key: string | null;
  value: unknown;
}

/** Read a topic from the beginning with a plain kafkajs consumer until `count` messages arrived. */
async function readBack(topics: string[], count: number): Promise<Received[]> {
  const consumer = plain.consumer({ groupId: unique(`reader-${topics[0]}`), sessionTimeout: 3_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 500 });
  await consumer.connect();
  const received: Received[] = [];
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }: { topic: string; partition: number; message: KafkaMessage }) => {
        received.push({ topic, partition, key: message.key?.toString() ?? null, value: JSON.parse(message.value!.toString()) });
      },
    });
    await until(() => received.length >= count, 15_000);
  } finally {
    await consumer.disconnect();
  }
  return received;
}

describe('PublishKafka against a Kafka cluster', { concurrency: true }, () => {
  test('each record becomes a JSON message keyed by a field; a plain consumer reads them back', async () => {
    const topic = unique('orders');
    const orders = Array.from({ length: 40 }, (_, n) => ({ orderId: n, customer: { id: `c${n % 5}` }, total: 10 + n }));
    const publish = await publisher({ topic, keyField: 'customer.id', compression: 'gzip' }).batch(15).enqueue(orders).run(3);
    assert.equal(publish.routed('success').length, 40, 'every record acknowledged');
    assert.equal(publish.routed('failure').length, 0);
    await publish.stop();

    const received = await readBack([topic], 40);
    assert.deepEqual(
      received.map((m) => m.value).sort((a, b) => (a as { orderId: number }).orderId - (b as { orderId: number }).orderId),
      orders,
    );
    for (const m of received) assert.equal(m.key, (m.value as { customer: { id: string } }).customer.id);
    // one key, one partition: a customer's orders stay in order
    for (const key of ['c0', 'c1', 'c2', 'c3', 'c4']) {
      const mine = received.filter((m) => m.key === key);
      assert.equal(new Set(mine.map((m) => m.partition)).size, 1, `${key} in one partition`);
      const ids = mine.map((m) => (m.value as { orderId: number }).orderId);
      assert.deepEqual(ids, [...ids].sort((a, b) => a - b), `${key} in order`);
    }
  });

  test('the topic may come from an attribute; records that cannot become messages go to failure', async () => {
    const [eu, us] = [unique('region-eu'), unique('region-us')];
    const publish = await publisher({ topic: unique('region-${region}'), keyField: 'id', maxMessageBytes: 100 })
      .enqueue([
        createRecord({ id: 1 }, { region: 'eu' }),
        createRecord({ id: 2 }, { region: 'us' }),
        createRecord({ id: 3 }, {}),
        createRecord({ sku: 'no id' }, { region: 'eu' }),
        createRecord({ id: 4, big: 10n }, { region: 'eu' }),
        createRecord({ id: 5 }, { region: 'eu' }),
        createRecord({ id: 6, note: 'x'.repeat(200) }, { region: 'eu' }),
      ])
      .run();
    await publish.stop();
    assert.deepEqual(publish.routed('success').map((r) => (r.content as { id: number }).id), [1, 2, 5]);
    const reasons = publish.routed('failure').map((r) => r.attributes['error.message']);
    assert.match(reasons[0], /no attribute region for the topic/);
    assert.match(reasons[1], /no field id for the message key/);
    assert.match(reasons[2], /cannot be written as JSON: .*BigInt/);
    assert.match(reasons[3], /the message is 2\d\d bytes, over Max message bytes \(100\)/);

    const received = await readBack([eu, us], 3);
    assert.deepEqual(received.filter((m) => m.topic === eu).map((m) => m.key).sort(), ['1', '5']);
    assert.deepEqual(received.filter((m) => m.topic === us).map((m) => m.value), [{ id: 2 }]);
  });

  test('an unreachable cluster rolls the batch back with the reason; the retry delivers it', async () => {
    // a bootstrap address we can open and close: the cluster is "down" until the proxy listens
    const proxy = await bootstrapProxy(brokers[0]);
    const flaky = openKafkaCluster('Flaky', { ...clusterProps, brokers: `127.0.0.1:${proxy.port}` }, () => undefined);
    after(() => flaky.close());
    const topic = unique('retry');
    const publish = await publisher({ topic }, flaky).enqueue([{ n: 1 }, { n: 2 }, { n: 3 }]).run();
    assert.equal(publish.routed('success').length, 0);
    assert.equal(publish.queued, 3, 'the batch is back in the queue, nothing lost');
    assert.match(publish.status.bulletins[0].message, new RegExp(`sending 3 message\\(s\\) to ${topic} on Kafka cluster "Flaky" .* failed: .*ECONNREFUSED`));

    await proxy.open();
    await publish.run();
    await publish.stop();
    proxy.close();
    assert.deepEqual(publish.routed('success').map((r) => r.content), [{ n: 1 }, { n: 2 }, { n: 3 }]);
    const received = await readBack([topic], 3);
    assert.deepEqual(received.map((m) => (m.value as { n: number }).n).sort(), [1, 2, 3]);
  });

  test('in a running engine: GenerateRecords → PublishKafka → ConsumeKafka → Count', async () => {
    const topic = unique('engine');
    const engine = new Engine({ processors: [...processorImplementations, publishKafka, consumeKafka], services: [kafkaClusterService], statsIntervalMs: 100 });
    after(() => engine.shutdown());
    engine.load(
      flowGraph({
        id: 'round-trip',
        services: [serviceConfig({ id: 'events', type: 'KafkaCluster', name: 'Events', properties: { brokers: brokers.join(',') } })],
        processors: [
          processorConfig({ id: 'generate', type: 'GenerateRecords', properties: { template: '{"n": $i}', rate: 0, limit: 100 } }),
          processorConfig({ id: 'publish', type: 'PublishKafka', properties: { cluster: 'events', topic, keyField: 'n' }, autoTerminated: ['success', 'failure'] }),
          processorConfig({
            id: 'consume',
            type: 'ConsumeKafka',
            properties: { cluster: 'events', topics: topic, groupId: unique('engine'), sessionTimeoutMs: 3_000 },
            autoTerminated: ['failure'],
          }),
          processorConfig({ id: 'count', type: 'Count' }),
        ],
        connections: [
          connectionConfig({ id: 'generated', sourceId: 'generate', relationship: 'success', targetId: 'publish' }),
          connectionConfig({ id: 'consumed', sourceId: 'consume', relationship: 'success', targetId: 'count' }),
        ],
      }),
    );
    const started = await engine.start('round-trip');
    assert.equal(started.started.length, 4, JSON.stringify(started));
    const count = () => (engine.stats('round-trip').processors.count.view as { count: number }).count;
    await until(() => count() === 100, 15_000);
    assert.equal(engine.stats('round-trip').processors.publish.errors, 0);
  });
});

/** A TCP forwarder to one broker that can be opened late: "the cluster is down" until open(). */
async function bootstrapProxy(target: string): Promise<{ port: number; open(): Promise<void>; close(): void }> {
  const [host, port] = target.split(':');
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  // find a free port, then leave it closed
  const free = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address() as { port: number };
      probe.close(() => resolve(p));
    });
  });
  return {
    port: free,
    open: () => new Promise((resolve) => server.listen(free, '127.0.0.1', () => resolve())),
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}

test('an idempotent producer needs acknowledgements from all in-sync replicas', () => {
  const check = (props: Record<string, unknown>) => parseProperties(publishKafkaSpec as unknown as AnySpec, { cluster: 'k', topic: 't', ...props });
  assert.deepEqual(check({ idempotent: true, acks: '1' }), { ok: false, issues: [{ property: 'acks', message: 'an idempotent producer needs Acknowledgements: all' }] });
  assert.equal(check({ idempotent: true, acks: 'all' }).ok, true);
  assert.equal(check({ acks: '0' }).ok, true, 'off by default');
});
