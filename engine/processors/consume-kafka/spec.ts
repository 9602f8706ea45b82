import { z } from 'zod';
import { defineProcessor, serviceRef } from '../../sdk';
import { TOPIC_NAME, topicsOf } from '../../services/kafka/spec';

const cluster = serviceRef('kafka');

export const consumeKafkaSpec = defineProcessor({
  type: 'ConsumeKafka',
  version: 1,
  category: 'Sources',
  summary: 'Reads messages from Kafka topics as a consumer group; offsets are committed only after the records are safely queued.',
  input: 'forbidden',
  properties: z.object({
    cluster: cluster.meta({ ...cluster.meta(), description: 'The Kafka cluster service to read from.', order: 1 }),
    topics: z
      .string()
      .refine((list) => topicsOf(list).length > 0 && topicsOf(list).every((t) => TOPIC_NAME.test(t)), {
        message: 'one or more topic names, comma-separated (letters, digits, dots, dashes, underscores)',
      })
      .meta({ label: 'Topics', description: 'The topics to read, comma-separated.', placeholder: 'orders,payments', order: 2 }),
    groupId: z
      .string()
      .regex(/^[\w.-]{1,200}$/, 'a consumer group id: letters, digits, dots, dashes and underscores')
      .meta({
        label: 'Consumer group',
        description:
          'Processors (and engine workers) with the same group share the partitions; the group’s committed offsets say where reading resumes.',
        placeholder: 'orders-to-warehouse',
        order: 3,
      }),
    fromBeginning: z
      .boolean()
      .default(true)
      .meta({
        label: 'From the beginning',
        description:
          'Where a group without committed offsets starts: the oldest message kept (on), or only messages that arrive from now (off).',
        order: 4,
      }),
    valueFormat: z
      .enum(['json', 'text'])
      .default('json')
      .meta({
        label: 'Value format',
        description: 'json: the value is parsed into the record content (invalid JSON goes to failure); text: the value is the content as a string.',
        order: 5,
      }),
    bufferSize: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(10_000)
      .meta({
        label: 'Buffer (messages)',
        description:
          'Most messages held in memory between Kafka and the flow. When it is full the consumer pauses fetching, so back pressure reaches Kafka.',
        order: 6,
      }),
    sessionTimeoutMs: z
      .number()
      .int()
      .min(1_000)
      .max(3_600_000)
      .default(30_000)
      .meta({
        label: 'Session timeout (ms)',
        description: 'How long the group waits for a silent consumer before giving its partitions to the others.',
        order: 7,
      }),
  }),
  relationships: [
    { name: 'success', description: 'One record per message: the value as content, key/topic/partition/offset/timestamp/headers as kafka.* attributes.' },
    { name: 'failure', description: 'Messages whose value is not valid JSON: the raw text as content, the reason in error.message.' },
  ],
});

