import { open } from 'node:fs/promises';
import { START, type CsvOptions, type Cursor, type Decoded, type TextCodec, type TextFormatName } from './codec';
import { csvCodec } from './csv';
import { jsonCodec } from './json';
import { jsonlCodec } from './jsonl';

export function textCodec(format: TextFormatName, csv: CsvOptions = {}): TextCodec {
  switch (format) {
    case 'csv':
      return csvCodec(csv);
    case 'jsonl':
      return jsonlCodec();
    case 'json':
      return jsonCodec();
  }
}

/** Every item of a whole text (a record's content), decoded at once. */
export function decodeText(codec: TextCodec, text: string): Decoded[] {
  return codec.decode(Buffer.from(text, 'utf8'), START, Infinity, true).items;
}

/** A whole text of these values: header, rows, footer. */
export function encodeText(codec: TextCodec, values: readonly unknown[], columns: readonly string[]): string {
  return codec.header(columns) + codec.rows(values, columns, 0) + codec.footer(values.length);
}

/** Bytes read from a file at first; doubled while a batch needs more, up to the maximum. */
const FIRST_CHUNK_BYTES = 64 << 10;
const MAX_CHUNK_BYTES = 4 << 20;
/**
 * A record that runs past this many bytes is cut there and reported as a failure: an unclosed quote
 * or a missing newline must not pull the rest of a big file into memory.
 */
export const MAX_RECORD_BYTES = 64 << 20;

export interface TextBatch {
  readonly items: Decoded[];
  readonly cursor: Cursor;
  /** The cursor reached the end of the file. */
  readonly done: boolean;
}

/**
 * Read up to `max` items of a text file from `cursor`, holding at most one chunk plus one record in
 * memory (never the whole file). The file is read up to the size it had when opened.
 */
export async function readTextFile(path: string, codec: TextCodec, cursor: Cursor, max: number, firstChunkBytes = FIRST_CHUNK_BYTES): Promise<TextBatch> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const items: Decoded[] = [];
    let at = cursor;
    let pending = Buffer.alloc(0);
    let readTo = cursor.offset;
    // small batches of a big file read little: each trigger reads about what its batch needs
    for (let chunkBytes = firstChunkBytes; ; chunkBytes = Math.min(chunkBytes * 2, MAX_CHUNK_BYTES)) {
      const want = Math.min(chunkBytes, size - readTo);
      if (want > 0) {
        const chunk = Buffer.allocUnsafe(want);
        const { bytesRead } = await handle.read(chunk, 0, want, readTo);
        // a file that shrank under us ends where its bytes end
        readTo = bytesRead === 0 ? size : readTo + bytesRead;
        pending = pending.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
      }
      const final = readTo >= size;
      // a record longer than the limit is cut there (as if the file ended) and reported
      const oversized = !final && pending.length > MAX_RECORD_BYTES;
      const request = oversized ? 1 : max - items.length;
      const decoded = codec.decode(pending, at, request, final || oversized);
      items.push(...decoded.items);
      pending = pending.subarray(decoded.cursor.offset - at.offset);
      at = decoded.cursor;
      // a final decode that stopped short of its request consumed everything
      if (final && decoded.items.length < request) return { items, cursor: at, done: true };
      if (items.length >= max) return { items, cursor: at, done: false };
    }
  } finally {
    await handle.close();
  }
}

