import { crc32 } from 'node:zlib';
import type { PerRecord } from '../runtime/chunk';
import { decodeMeta, encodeMeta } from './codec';

/**
 * One group commit on disk: a frame. A 16-byte header (magic, payload length, CRC-32 of the
 * payload, meta length), then the meta (what changed, MessagePack) and the blob area (the chunks'
 * encoded records, which the meta locates, so recovery reads where records are without decoding
 * them). A frame is written with one write call and counts only if it is whole and its CRC holds:
 * a torn or corrupted tail is found by the first frame that does not.
 */
export const FRAME_HEADER_BYTES = 16;
const MAGIC = 0x31584643; // "CFX1"
/** No frame is larger (a group commit holds at most what is queued in memory). */
const MAX_PAYLOAD_BYTES = 2 ** 31;

/** A chunk written in a frame: where it is queued, and where its records are in the blob area. */
export interface ChunkEntry {
  /** seq, key (order in its connection), flow, connection, count. */
  s: number;
  k: number;
  f: string;
  c: string;
  n: number;
  /** Enqueue times and sizes by position. */
  t: PerRecord;
  z: PerRecord;
  /** Pieces, flat: [from, count, blob offset, blob length, …]; positions not in a piece were consumed before the write. */
  p: number[];
  /** Set when the chunk was written before (compaction moved it): every range consumed so far, flat [from, to, …]. */
  u?: number[];
}

/** What one group commit changed. */
export interface FrameMeta {
  /** The highest record id given out when the frame was made. */
  i: number;
  a?: ChunkEntry[];
  /** Positions consumed, flat: [seq, from, to, …]. */
  u?: number[];
  /** Processor states: [flow, processor, value] set, [flow, processor] cleared. */
  s?: ([string, string, unknown] | [string, string])[];
  /** Set on a segment's first frame: `s` holds every state there is. */
  full?: 1;
}

export interface EncodedFrame {
  readonly bytes: Buffer;
  /** Where the blob area starts within the frame. */
  readonly blobStart: number;
}

export function encodeFrame(meta: FrameMeta, blobs: readonly Buffer[]): EncodedFrame {
  const metaBytes = encodeMeta(meta);
  let payloadLength = metaBytes.length;
  for (const blob of blobs) payloadLength += blob.length;
  if (payloadLength >= MAX_PAYLOAD_BYTES) throw new Error(`a group commit of ${payloadLength} bytes is too large to write`);
  const bytes = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadLength);
  let at = FRAME_HEADER_BYTES;
  at += metaBytes.copy(bytes, at);
  for (const blob of blobs) at += blob.copy(bytes, at);
  bytes.writeUInt32LE(MAGIC, 0);
  bytes.writeUInt32LE(payloadLength, 4);
  bytes.writeUInt32LE(crc32(bytes.subarray(FRAME_HEADER_BYTES)), 8);
  bytes.writeUInt32LE(metaBytes.length, 12);
  return { bytes, blobStart: FRAME_HEADER_BYTES + metaBytes.length };
}

export interface ReadFrame {
  /** Offset of the frame in the segment. */
  readonly start: number;
  readonly end: number;
  readonly meta: FrameMeta;
  /** Offset of its blob area in the segment. */
  readonly blobStart: number;
}

/** Why reading a segment stopped before its end. */
export interface TailProblem {
  readonly offset: number;
  readonly reason: string;
}

/** The valid frames of a segment from its start, and what stopped the reading if it was not the end. */
export function readFrames(segment: Buffer): { frames: ReadFrame[]; problem?: TailProblem } {
  const frames: ReadFrame[] = [];
  let start = 0;
  while (start < segment.length) {
    const fail = (reason: string) => ({ frames, problem: { offset: start, reason } });
    if (segment.length - start < FRAME_HEADER_BYTES) return fail('the last frame is cut short (header incomplete)');
    if (segment.readUInt32LE(start) !== MAGIC) return fail('no frame starts here (bad magic number)');
    const payloadLength = segment.readUInt32LE(start + 4);
    const end = start + FRAME_HEADER_BYTES + payloadLength;
    if (end > segment.length) return fail(`the last frame is cut short (${segment.length - start} of ${end - start} bytes)`);
    const payload = segment.subarray(start + FRAME_HEADER_BYTES, end);
    if (crc32(payload) !== segment.readUInt32LE(start + 8)) return fail('the frame is corrupted (checksum mismatch)');
    const metaLength = segment.readUInt32LE(start + 12);
    let meta: FrameMeta;
    try {
      meta = decodeMeta<FrameMeta>(payload.subarray(0, metaLength));
    } catch (error) {
      return fail(`the frame's header cannot be read: ${(error as Error).message}`);
    }
    frames.push({ start, end, meta, blobStart: start + FRAME_HEADER_BYTES + metaLength });
    start = end;
  }
  return { frames };
}
