import { estimateSize, type FlowRecord } from '../../sdk';

/** Why a bin is merged now. */
export type MergeReason = 'max-records' | 'max-bytes' | 'min-records' | 'max-age' | 'batch-full';

export interface BinLimits {
  readonly minRecords: number;
  readonly maxRecords: number;
  /** Estimated bytes of the merged content; 0 for no limit. */
  readonly maxBytes: number;
  /** 0 for no limit. */
  readonly maxAgeMs: number;
}

export interface Bin {
  readonly records: FlowRecord[];
  /** Estimated size of the merged content (the array). */
  bytes: number;
  /** When its oldest record was first seen (epoch ms). */
  openedAt: number;
  /** Set when the bin can take no more records. */
  full?: 'max-records' | 'max-bytes';
}

/** Estimated bytes of an empty array, and what each element adds besides its own size (a comma). */
const ARRAY_BYTES = 2;
const ELEMENT_BYTES = 1;

/**
 * Sort a batch into bins, keeping the records' order: one open bin per correlation key, closed
 * (full) at the maximum count or when the next record would pass the maximum size, the next record
 * then opening a new one. Records bigger than a whole bin may be are returned apart.
 */
export function binRecords(
  batch: readonly FlowRecord[],
  limits: BinLimits,
  keyOf: (record: FlowRecord) => string,
  seenAt: (record: FlowRecord) => number,
): { bins: Bin[]; oversize: { record: FlowRecord; bytes: number }[] } {
  const bins: Bin[] = [];
  const oversize: { record: FlowRecord; bytes: number }[] = [];
  const open = new Map<string, Bin>();
  for (const record of batch) {
    // sizing walks the content: only when a size limit asks for it
    const bytes = limits.maxBytes > 0 ? estimateSize(record.content) + ELEMENT_BYTES : 0;
    if (limits.maxBytes > 0 && ARRAY_BYTES + bytes > limits.maxBytes) {
      oversize.push({ record, bytes });
      continue;
    }
    const key = keyOf(record);
    let bin = open.get(key);
    if (bin && !bin.full && limits.maxBytes > 0 && bin.bytes + bytes > limits.maxBytes) bin.full = 'max-bytes';
    if (!bin || bin.full) {
      bin = { records: [], bytes: ARRAY_BYTES, openedAt: Infinity };
      bins.push(bin);
      open.set(key, bin);
    }
    bin.records.push(record);
    bin.bytes += bytes;
    bin.openedAt = Math.min(bin.openedAt, seenAt(record));
    if (bin.records.length >= limits.maxRecords) bin.full = 'max-records';
  }
  return { bins, oversize };
}

/** Why this bin is to be merged now, or undefined if it should wait for more records. */
export function readyReason(bin: Bin, now: number, limits: BinLimits): MergeReason | undefined {
  if (bin.full) return bin.full;
  if (bin.records.length >= limits.minRecords) return 'min-records';
  if (limits.maxAgeMs > 0 && now - bin.openedAt >= limits.maxAgeMs) return 'max-age';
  return undefined;
}

/** The attributes every record of the bin has, with the same value. */
export function commonAttributes(records: readonly FlowRecord[]): Record<string, string> {
  const common: Record<string, string> = { ...records[0].attributes };
  for (let i = 1; i < records.length; i++) {
    const attributes = records[i].attributes;
    for (const name in common) if (attributes[name] !== common[name]) delete common[name];
  }
  return common;
}
