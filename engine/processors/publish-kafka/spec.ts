import { z } from 'zod';
import { defineProcessor, serviceRef } from '../../sdk';
import { TOPIC_NAME } from '../../services/kafka/spec';

/** `${name}` in a topic: the record's attribute of that name. */
export const ATTRIBUTE_PLACEHOLDER = /\$\{([\w.-]+)\}/g;

const cluster = serviceRef('kafka');

export const publishKafkaSpec = defineProcessor({
  type: 'PublishKafka',
  version: 1,
  category: 'Sinks',
  summary: 'Sends each record to a Kafka topic as a JSON message, a batch per request; records go on once the brokers acknowledge them (at least once; an idempotent producer on request).',
  input: 'required',
  properties: z.object({
    cluster: cluster.meta({ ...cluster.meta(), description: 'The Kafka cluster service to send to.', order: 1 }),
    topic: z
      .string()
      .refine((topic) => TOPIC_NAME.test(topic.replace(ATTRIBUTE_PLACEHOLDER, 'x')), {
        message: 'a topic name (letters, digits, dots, dashes, underscores), optionally with ${attribute} placeholders',
      })
      .meta({
        label: 'Topic',
        description: 'The topic to send to. ${name} is replaced by the record’s attribute of that name, e.g. orders-${region}.',
        placeholder: 'orders',
        order: 2,
      }),
    keyField: z
      .string()
      .regex(/^([A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*)?$/, 'a field name, or a dotted path like customer.id')
      .default('')
      .meta({
        label: 'Key field',
        description:
          'The record field whose value becomes the message key (a dotted path reaches nested fields); records with the same key land in the same partition, in order. Empty: no key.',
        placeholder: 'customerId',
        order: 3,
      }),
    acks: z
      .enum(['all', '1', '0'])
      .default('all')
      .meta({
        label: 'Acknowledgements',
        description: 'all: every in-sync replica has the message (nothing lost if a broker dies); 1: the partition leader has it; 0: do not wait.',
        order: 4,
      }),
    compression: z
      .enum(['none', 'gzip'])
      .default('none')
      .meta({ label: 'Compression', description: 'Compress each request’s messages; gzip trades CPU for network and disk.', order: 5 }),
    maxMessageBytes: z
      .number()
      .int()
      .min(1)
      .default(1_048_576)
      .meta({
        label: 'Max message bytes',
        description:
          'Larger messages go to failure instead of being sent: a broker refuses a message over its message.max.bytes (1 MiB by default) and would block the batch behind it forever.',
        order: 6,
      }),
    idempotent: z
      .boolean()
      .default(false)
      .meta({
        label: 'Idempotent producer',
        description:
          'The brokers drop a request the producer sent again after losing its answer, so a network hiccup writes nothing twice (needs Acknowledgements: all). ' +
          'Off by default: kafkajs marks it experimental, and it needs a cluster that names its controller (librdkafka\'s mock test cluster does not). ' +
          'Either way, a record delivered again after a crash of Conflux is a new send and may appear twice (at least once): consumers should treat the key as identity, or read a compacted topic.',
        order: 7,
      }),
  }),
  validate: (props) => (props.idempotent && props.acks !== 'all' ? [{ property: 'acks', message: 'an idempotent producer needs Acknowledgements: all' }] : []),
  relationships: [
    { name: 'success', description: 'Records the brokers acknowledged (as asked by Acknowledgements).' },
    {
      name: 'failure',
      description:
        'Records that cannot become a message (no key field, content that is not JSON, a topic placeholder without its attribute, over Max message bytes), and batches the brokers refused for good (a non-retriable error), with the reason.',
    },
  ],
});
