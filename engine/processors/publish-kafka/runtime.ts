import { CompressionTypes, type Message, type TopicMessages } from 'kafkajs';
import { implement, type FlowRecord } from '../../sdk';
import { useService } from '../../services/use-service';
import '../../services/kafka/types'; // the kafka service kind, for useService
import { messageBuilder } from './message';
import { publishKafkaSpec } from './spec';

const ACKS = { all: -1, '1': 1, '0': 0 } as const;
const COMPRESSION = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP } as const;

export default implement(publishKafkaSpec, async (ctx) => {
  const { props } = ctx;
  const cluster = await useService(ctx, 'kafka', props.cluster);
  const toMessage = messageBuilder(props);
  const acks = ACKS[props.acks];
  const compression = COMPRESSION[props.compression];

  return {
    async onTrigger(batch, session) {
      const byTopic = new Map<string, Message[]>();
      const sent: FlowRecord[] = [];
      for (const record of batch) {
        const outgoing = toMessage(record);
        if ('error' in outgoing) {
          session.fail(record, outgoing.error);
          continue;
        }
        const bytes = Buffer.byteLength(outgoing.message.value as string) + (outgoing.message.key ? Buffer.byteLength(outgoing.message.key as string) : 0);
        if (bytes > props.maxMessageBytes) {
          session.fail(record, `the message is ${bytes} bytes, over Max message bytes (${props.maxMessageBytes})`);
          continue;
        }
        let messages = byTopic.get(outgoing.topic);
        if (!messages) byTopic.set(outgoing.topic, (messages = []));
        messages.push(outgoing.message);
        sent.push(record);
      }
      if (sent.length === 0) return;
      const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
      try {
        // The producer connects on first use: a cluster that is down fails the trigger (retried
        // with backoff), not the start. One request per broker for the whole batch; any broker
        // error rolls the batch back, so nothing is lost (a retry may send a message twice).
        const producer = await cluster.producer({ idempotent: props.idempotent });
        await producer.sendBatch({ topicMessages, acks, compression });
      } catch (error) {
        const topics = [...byTopic.keys()].join(', ');
        const reason = `sending ${sent.length} message(s) to ${topics} on ${cluster.description} failed: ${(error as Error).message}`;
        // retrying a refusal that cannot change (an unknown topic with auto-creation off, say) would
        // block every record behind it: those go to failure; anything else is rolled back and retried
        if (refusedForGood(error)) return sent.forEach((record) => session.fail(record, reason));
        throw new Error(reason, { cause: error });
      }
      session.transferAll(sent, 'success');
    },
  };
});

/**
 * Whether the brokers refused the batch in a way a retry cannot change: a protocol error Kafka marks
 * non-retriable (MESSAGE_TOO_LARGE, INVALID_TOPIC_EXCEPTION, ...). kafkajs also wraps retriable
 * errors whose retries ran out as non-retriable, so the root cause is what decides: connection
 * trouble is never "for good".
 */
function refusedForGood(error: unknown): boolean {
  let root = error as { name?: string; retriable?: boolean; cause?: unknown } | undefined;
  while (root?.cause) root = root.cause as typeof root;
  return root?.name === 'KafkaJSProtocolError' && root.retriable === false;
}
