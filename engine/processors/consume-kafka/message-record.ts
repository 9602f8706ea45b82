import type { IHeaders } from 'kafkajs';
import type { InboxEntry } from './inbox';

/** Record attributes a consumed message carries; headers become `kafka.header.<name>`. */
export const KAFKA_ATTRIBUTES = {
  topic: 'kafka.topic',
  partition: 'kafka.partition',
  offset: 'kafka.offset',
  timestamp: 'kafka.timestamp',
  key: 'kafka.key',
  headerPrefix: 'kafka.header.',
} as const;

/** A message as record content and attributes; `error` says why it belongs in failure instead. */
export interface MessageRecord {
  content: unknown;
  attributes: Record<string, string>;
  error?: string;
}

/**
 * json: the value parsed; a value that is not JSON keeps its raw text as content, with the reason.
 * text: the value as a UTF-8 string. A null value (a tombstone) is null content in both.
 */
export function messageRecord({ topic, partition, message }: InboxEntry, format: 'json' | 'text'): MessageRecord {
  const attributes: Record<string, string> = {
    [KAFKA_ATTRIBUTES.topic]: topic,
    [KAFKA_ATTRIBUTES.partition]: String(partition),
    [KAFKA_ATTRIBUTES.offset]: message.offset,
    [KAFKA_ATTRIBUTES.timestamp]: message.timestamp,
  };
  if (message.key) attributes[KAFKA_ATTRIBUTES.key] = message.key.toString('utf8');
  addHeaders(attributes, message.headers);
  if (message.value === null) return { content: null, attributes };
  const text = message.value.toString('utf8');
  if (format === 'text') return { content: text, attributes };
  try {
    return { content: JSON.parse(text), attributes };
  } catch (error) {
    const reason = `message value is not valid JSON (topic ${topic}, partition ${partition}, offset ${message.offset}): ${(error as Error).message}`;
    return { content: text, attributes, error: reason };
  }
}

/** A header sent several times becomes one attribute, its values joined with ','. */
function addHeaders(attributes: Record<string, string>, headers: IHeaders | undefined): void {
  if (!headers) return;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    attributes[KAFKA_ATTRIBUTES.headerPrefix + name] = values.map((v) => v.toString()).join(',');
  }
}
