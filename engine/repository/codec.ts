import { Packr } from 'msgpackr';
import type { FlowRecord } from '../sdk/record';

/**
 * How records and frame headers are encoded on disk: MessagePack (msgpackr) with its record
 * extension, which writes an object shape once per encoded piece and then only the values: a batch
 * of records of one shape costs little more than its values, and each piece decodes on its own
 * (no shared dictionary to keep or lose). moreTypes keeps what JSON cannot: Dates, byte arrays
 * (Buffer and Uint8Array apart), BigInts, undefined fields. Measured here at 1.4–2.2 M records/s
 * to encode and 3.3 M/s to decode, against 0.8–1.2 M/s for JSON.stringify (docs/durable-store.md).
 */
const packr = new Packr({ useRecords: true, moreTypes: true });

/**
 * One piece of a chunk: its records, in position order. The result is a view of msgpackr's buffer,
 * which later encodes write after, never over; frames copy it into their own buffer anyway.
 */
export function encodeRecords(records: readonly FlowRecord[]): Buffer {
  return packr.pack(records);
}

export function decodeRecords(bytes: Uint8Array): FlowRecord[] {
  return packr.unpack(bytes) as FlowRecord[];
}

export function encodeMeta(meta: unknown): Buffer {
  return packr.pack(meta);
}

export function decodeMeta<T>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}
