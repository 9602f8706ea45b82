import { Kafka, logLevel, Partitioners, type Consumer, type ConsumerConfig, type LogEntry, type Producer, type SASLOptions } from 'kafkajs';
import { implementService } from '../../sdk';
import { brokerList, kafkaClusterSpec, type KafkaClusterProps } from './spec';
import type { KafkaCluster } from './types';

/**
 * Client retries: a few quick ones for a broker that blips. Longer outages are the engine's to
 * handle (the processor's trigger fails, it is penalized with backoff, a bulletin says why), so a
 * trigger is not held for half a minute inside the client.
 */
const RETRY = { initialRetryTime: 250, retries: 3 };

/**
 * Longest wait for a consumer to leave its group and disconnect. With the brokers unreachable,
 * kafkajs can wait on a request or a crashed fetch loop for much longer; a stopping processor or an
 * unloading flow must not hang on that (the consumer is flagged released and dies on its own).
 */
const DISCONNECT_TIMEOUT_MS = 5_000;

/** Where the client's own log lines go: one line each, errors only (lost connections, crashed consumers). */
export type KafkaLogSink = (line: string) => void;

const consoleSink: KafkaLogSink = (line) => console.warn(line);

export default implementService(kafkaClusterSpec, async ({ name, props }) => openKafkaCluster(name, props));

export function openKafkaCluster(name: string, props: KafkaClusterProps, log: KafkaLogSink = consoleSink): KafkaCluster {
  const brokers = brokerList(props.brokers);
  const description = `Kafka cluster "${name}" (${brokers.join(',')})`;
  const client = new Kafka({
    clientId: props.clientId,
    brokers,
    ssl: props.ssl,
    sasl: saslOptions(props),
    retry: RETRY,
    logLevel: logLevel.ERROR,
    logCreator: () => (entry) => {
      // error responses (a rebalance in progress, say) are handled by kafkajs or thrown to the caller
      if (!entry.log.message.startsWith('Response ')) log(`${description}: ${logLine(entry)}`);
    },
  });
  /** The shared producers, by whether they are idempotent. */
  const producers = new Map<boolean, Promise<Producer>>();
  /** Consumers handed out and not released, with the flag that stops kafkajs restarting them. */
  const consumers = new Map<Consumer, { released: boolean }>();

  async function disconnect(consumer: Consumer): Promise<void> {
    const handle = consumers.get(consumer);
    consumers.delete(consumer);
    if (handle) handle.released = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, DISCONNECT_TIMEOUT_MS).unref()));
    await Promise.race([consumer.disconnect(), timeout]).finally(() => clearTimeout(timer));
  }

  return {
    kind: 'kafka',
    description,
    producer({ idempotent = false } = {}) {
      let producer = producers.get(idempotent);
      if (!producer) {
        // Java's partitioner: a key lands in the same partition as with any other Kafka client
        const created = client.producer({
          createPartitioner: Partitioners.DefaultPartitioner,
          retry: RETRY,
          ...(idempotent && { idempotent: true, maxInFlightRequests: 1 }),
        });
        const connecting = created.connect().then(() => created);
        connecting.catch(() => {
          // the next use tries again with a new producer; this one may hold half-open connections
          if (producers.get(idempotent) === connecting) producers.delete(idempotent);
          created.disconnect().catch(() => undefined);
        });
        producers.set(idempotent, (producer = connecting));
      }
      return producer;
    },
    async consumer(config: ConsumerConfig) {
      const handle = { released: false };
      // kafkajs restarts a crashed consumer on a timer, and a crash racing disconnect() can schedule
      // a restart after it: a released consumer must not come back, nor stay if it did
      const consumer = client.consumer({ ...config, retry: { ...RETRY, restartOnFailure: async () => !handle.released } });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        if (handle.released) consumer.disconnect().catch(() => undefined);
      });
      consumers.set(consumer, handle);
      try {
        await consumer.connect();
      } catch (error) {
        await disconnect(consumer).catch(() => undefined);
        throw error;
      }
      return consumer;
    },
    release: disconnect,
    async close() {
      const closing = [...consumers.keys()].map(disconnect);
      for (const producer of producers.values()) closing.push(producer.then((p) => p.disconnect()));
      producers.clear();
      await Promise.allSettled(closing);
    },
  };
}

function saslOptions(props: KafkaClusterProps): SASLOptions | undefined {
  const { sasl: mechanism, username, password } = props;
  if (mechanism === 'none') return undefined;
  return { mechanism, username, password } as SASLOptions;
}

/**
 * Only the message and the error's message: kafkajs puts request details in its log entries, and
 * nothing from the configuration (the SASL password) may reach a log.
 */
function logLine({ log }: LogEntry): string {
  const error = typeof log.error === 'string' ? log.error : (log.error as Error | undefined)?.message;
  return error && !log.message.includes(error) ? `${log.message}: ${error}` : log.message;
}
