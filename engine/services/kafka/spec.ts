import { z } from 'zod';
import { defineService } from '../../sdk';

/** host:port, comma-separated; the client discovers the rest of the cluster from any of them. */
const BROKER_LIST = /^\s*[\w.-]+:\d{1,5}\s*(,\s*[\w.-]+:\d{1,5}\s*)*$/;

/** Kafka's rule for topic names (the Kafka processors' specs check topics with it). */
export const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

export const SASL_MECHANISMS = ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const;

export const kafkaClusterSpec = defineService({
  type: 'KafkaCluster',
  kind: 'kafka',
  summary: 'A Kafka cluster: one client shared by the flow’s Kafka processors (producers and consumer groups).',
  properties: z
    .object({
      brokers: z
        .string()
        .regex(BROKER_LIST, 'brokers as host:port, comma-separated, e.g. kafka-1:9092,kafka-2:9092')
        .meta({
          destination: true,
          label: 'Brokers',
          description: 'Bootstrap brokers as host:port, comma-separated; the rest of the cluster is discovered from them.',
          placeholder: 'kafka-1:9092,kafka-2:9092',
          order: 1,
        }),
      clientId: z
        .string()
        .regex(/^[\w.-]{1,100}$/, 'letters, digits, dots, dashes and underscores')
        .default('conflux')
        .meta({ label: 'Client id', description: 'Names this client in the brokers’ logs and quotas.', order: 2 }),
      ssl: z
        .boolean()
        .default(false)
        .meta({ label: 'TLS', description: 'Connect with TLS, checking the brokers’ certificates against the system’s CAs.', order: 3 }),
      sasl: z
        .enum(SASL_MECHANISMS)
        .default('none')
        .meta({ label: 'SASL mechanism', description: 'How to authenticate: none, or SASL PLAIN / SCRAM with the user below.', order: 4 }),
      username: z.string().default('').meta({ destination: true, label: 'User', description: 'SASL user name.', order: 5 }),
      password: z.string().default('').meta({ label: 'Password', description: 'SASL password.', sensitive: true, order: 6 }),
    })
    .superRefine((props, ctx) => {
      if (props.sasl === 'none') return;
      if (!props.username) ctx.addIssue({ code: 'custom', path: ['username'], message: `SASL ${props.sasl} needs a user` });
      if (!props.password) ctx.addIssue({ code: 'custom', path: ['password'], message: `SASL ${props.sasl} needs a password` });
    }),
});

export type KafkaClusterProps = z.infer<typeof kafkaClusterSpec.properties>;

/** The broker list as the client wants it. */
export function brokerList(brokers: string): string[] {
  return brokers.split(',').map((b) => b.trim()).filter(Boolean);
}

/** The topic names of a comma-separated list. */
export function topicsOf(list: string): string[] {
  return list.split(',').map((t) => t.trim()).filter(Boolean);
}
