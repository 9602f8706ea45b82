import { describeFailure, isFailure } from '../../formats/codec';
import { decodeText, encodeText, textCodec } from '../../formats/text';
import { inferSchema } from '../../records/schema';
import { implement, type FlowRecord, type ProcessSession } from '../../sdk';
import { convertRecordSpec } from './spec';

const MIME_TYPE = { csv: 'text/csv', jsonl: 'application/x-ndjson', json: 'application/json' } as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export default implement(convertRecordSpec, ({ props }) => {
  const codec = textCodec(props.format, { delimiter: props.delimiter, typed: props.typedValues });
  const where = props.field ? `field "${props.field}"` : 'content';

  /** The value at Field (or the whole content), or undefined when Field names nothing. */
  function valueOf(record: FlowRecord): unknown {
    if (!props.field) return record.content;
    return isObject(record.content) ? record.content[props.field] : undefined;
  }

  /** The content with `value` at Field (or as the whole content). */
  function withValue(record: FlowRecord, value: unknown): unknown {
    return props.field ? { ...(isObject(record.content) ? record.content : {}), [props.field]: value } : value;
  }

  /** The text of these rows, or why they cannot be written in this format. */
  function serialize(rows: readonly unknown[]): { text: string } | { error: string } {
    if (codec.tabular && !rows.every(isObject)) return { error: 'CSV rows must be objects' };
    const columns = codec.tabular ? inferSchema(rows).fields.map((f) => f.name) : [];
    return { text: encodeText(codec, rows, columns) };
  }

  function parseRecord(record: FlowRecord, session: ProcessSession): void {
    const text = valueOf(record);
    if (typeof text !== 'string') return session.fail(record, `the ${where} is not text (got ${text === null ? 'null' : typeof text})`);
    const items = decodeText(codec, text);
    if (props.rows === 'array') {
      const bad = items.find(isFailure);
      if (bad) return session.fail(record, describeFailure(bad));
      return session.transfer(session.update(record, { content: withValue(record, items.map((i) => ('value' in i ? i.value : null))) }), 'success');
    }
    for (const item of items) {
      const attributes: Record<string, string> = { 'record.index': String(item.index) };
      const row = session.clone(record);
      if (!isFailure(item)) session.transfer(session.update(row, { content: item.value, attributes }), 'success');
      else session.fail(session.update(row, { content: item.raw, attributes: { ...attributes, 'record.line': String(item.line) } }), describeFailure(item));
    }
    session.drop(record);
  }

  function serializeEach(record: FlowRecord, session: ProcessSession): void {
    const rows = valueOf(record);
    if (!Array.isArray(rows)) return session.fail(record, `the ${where} is not an array of rows`);
    const result = serialize(rows);
    if ('error' in result) return session.fail(record, result.error);
    const attributes = { 'mime.type': MIME_TYPE[props.format], 'record.count': String(rows.length) };
    session.transfer(session.update(record, { content: withValue(record, result.text), attributes }), 'success');
  }

  /** The batch's records (as they came from the queue, at most the batch size) → one record of text. */
  function serializeBatch(batch: readonly FlowRecord[], session: ProcessSession): void {
    const rows: FlowRecord[] = [];
    for (const record of batch) {
      if (codec.tabular && !isObject(record.content)) session.fail(record, 'CSV rows must be objects');
      else rows.push(record);
    }
    if (rows.length === 0) return;
    const result = serialize(rows.map((r) => r.content));
    if ('error' in result) throw new Error(result.error); // checked above: cannot happen
    const attributes = { 'mime.type': MIME_TYPE[props.format], 'record.count': String(rows.length) };
    session.transfer(session.create(props.field ? { [props.field]: result.text } : result.text, attributes, rows), 'success');
    session.dropAll(rows);
  }

  return {
    onTrigger(batch, session) {
      if (props.operation === 'serialize' && props.rows === 'records') return serializeBatch(batch, session);
      for (const record of batch) {
        if (props.operation === 'parse') parseRecord(record, session);
        else serializeEach(record, session);
      }
    },
  };
});
