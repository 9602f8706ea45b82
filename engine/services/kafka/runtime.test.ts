import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseProperties } from '../../flow/validate';
import { kafkaTestBrokers } from '../../testing/kafka-mock';
import { openKafkaCluster } from './runtime';
import { kafkaClusterSpec } from './spec';

const brokers = (await kafkaTestBrokers()).join(',');
const props = { brokers, clientId: 'service-test', ssl: false, sasl: 'none', username: '', password: '' } as const;

describe('KafkaCluster service', { concurrency: true }, () => {
  test('one shared producer, consumers of their own; close() disconnects everything it handed out', async () => {
    const cluster = openKafkaCluster('Events', props);
    const producer = await cluster.producer();
    assert.equal(await cluster.producer(), producer, 'processors share the producer');
    const consumers = await Promise.all([cluster.consumer({ groupId: 'service-test-a' }), cluster.consumer({ groupId: 'service-test-b' })]);
    const disconnected: string[] = [];
    producer.on(producer.events.DISCONNECT, () => disconnected.push('producer'));
    consumers.forEach((c, i) => c.on(c.events.DISCONNECT, () => disconnected.push(`consumer ${i}`)));

    await cluster.release(consumers[0]);
    assert.deepEqual(disconnected, ['consumer 0']);
    await cluster.close();
    assert.deepEqual(disconnected.sort(), ['consumer 0', 'consumer 1', 'producer']);
  });

  test('SASL credentials never reach a log line or an error message', async () => {
    const lines: string[] = [];
    const cluster = openKafkaCluster('Secure', { ...props, sasl: 'scram-sha-256', username: 'etl', password: 'hunter2-secret' }, (line) => lines.push(line));
    // the mock cluster has no SASL: the handshake fails, and kafkajs logs and throws
    const error = await cluster.producer().then(
      () => assert.fail('the mock cluster does not speak SASL'),
      (e: Error) => e,
    );
    await cluster.close();
    assert.ok(lines.length > 0, 'the failure was logged');
    assert.match(lines[0], /^Kafka cluster "Secure" \(127\.0\.0\.1:\d+/, 'log lines name the service and its brokers');
    for (const text of [...lines, error.message, String(error.stack), cluster.description]) assert.doesNotMatch(text, /hunter2/);
  });

  test('properties: broker list format, and SASL needs a user and a password', () => {
    const issues = (properties: Record<string, unknown>) => {
      const parsed = parseProperties(kafkaClusterSpec, properties);
      return parsed.ok ? [] : parsed.issues.map((i) => `${i.property}: ${i.message}`);
    };
    assert.deepEqual(issues({ brokers: 'kafka-1:9092, kafka-2:9092' }), []);
    assert.match(issues({ brokers: 'kafka-1' })[0], /^brokers: brokers as host:port/);
    assert.deepEqual(issues({ brokers: 'kafka-1:9092', sasl: 'plain' }), ['username: SASL plain needs a user', 'password: SASL plain needs a password']);
    assert.ok(kafkaClusterSpec.properties.shape.password.meta()?.sensitive, 'the password is masked outside the server');
  });
});
