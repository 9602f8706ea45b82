import type { Message } from 'kafkajs';
import { valueAtPath, type FlowRecord } from '../../sdk';
import { TOPIC_NAME } from '../../services/kafka/spec';
import { ATTRIBUTE_PLACEHOLDER } from './spec';

/** Where a record goes and what is sent, or why it cannot be sent. */
export type Outgoing = { topic: string; message: Message } | { error: string };

export interface MessageSettings {
  readonly topic: string;
  readonly keyField: string;
}

/** Compile the settings once; the returned function turns each record into a message. */
export function messageBuilder({ topic, keyField }: MessageSettings): (record: FlowRecord) => Outgoing {
  const topicOf = topicTemplate(topic);
  const keyOf = keyField ? fieldReader(keyField) : undefined;
  return (record) => {
    const resolved = topicOf(record);
    if (typeof resolved !== 'string') return resolved;
    let key: string | null = null;
    if (keyOf) {
      const value = keyOf(record.content);
      if (value === undefined || value === null) return { error: `the record has no field ${keyField} for the message key` };
      key = typeof value === 'string' ? value : JSON.stringify(value);
    }
    let value: string | undefined;
    try {
      value = JSON.stringify(record.content);
    } catch (error) {
      return { error: `the record content cannot be written as JSON: ${(error as Error).message}` };
    }
    if (value === undefined) return { error: 'the record has no content to send' };
    return { topic: resolved, message: { key, value } };
  };
}

/** A fixed topic, or one with `${attribute}` placeholders filled from each record. */
function topicTemplate(template: string): (record: FlowRecord) => string | { error: string } {
  if (!template.includes('${')) return () => template;
  return (record) => {
    let missing: string | undefined;
    const topic = template.replace(ATTRIBUTE_PLACEHOLDER, (_, name: string) => {
      const value = record.attributes[name];
      if (value === undefined) missing ??= name;
      return value ?? '';
    });
    if (missing !== undefined) return { error: `the record has no attribute ${missing} for the topic ${template}` };
    if (!TOPIC_NAME.test(topic)) return { error: `"${topic}" (from ${template}) is not a valid topic name` };
    return topic;
  };
}

/** A field by name, or along a dotted path. */
function fieldReader(path: string): (content: unknown) => unknown {
  const keys = path.split('.');
  return (content) => valueAtPath(content, keys);
}
