import { ftruncateSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFrames, type ChunkEntry, type FrameMeta } from './frame';
import type { Segment, Segments } from './segments';

/** Where a piece of a chunk's records is stored. */
export interface StoredPiece {
  segment: Segment;
  from: number;
  count: number;
  offset: number;
  length: number;
}

/** A chunk as the journal describes it: its entry, where its records are, what is consumed. */
export interface RecoveredChunk {
  readonly entry: ChunkEntry;
  readonly pieces: StoredPiece[];
  /** Consumed ranges, flat [from, to, …]. */
  ranges: number[];
}

export interface ProcessorStateEntry {
  readonly flowId: string;
  readonly processorId: string;
  readonly value: unknown;
}

/** What a torn or corrupted journal lost: nothing that was acknowledged, but it is said out loud. */
export interface JournalProblem {
  readonly segment: string;
  readonly offset: number;
  readonly reason: string;
  /** Bytes after the last whole frame, kept beside the segment (`.discarded`) and cut from it. */
  readonly discardedBytes: number;
  /** Later segments, which cannot be replayed after a gap: renamed to `.corrupt`, not read. */
  readonly setAside: readonly string[];
}

export interface Recovery {
  readonly chunks: Map<number, RecoveredChunk>;
  readonly states: Map<string, ProcessorStateEntry>;
  readonly lastRecordId: number;
  readonly lastSeq: number;
  readonly frames: number;
  readonly problem?: JournalProblem;
}

export const stateKey = (flowId: string, processorId: string) => `${flowId}\n${processorId}`;

/**
 * Replay the journal, oldest segment first: chunks written, positions consumed, states. Reading
 * stops at the first frame that is not whole or whose checksum fails: the frames before it are what
 * was written (and acknowledged, if anything was); the rest of that segment is cut off (and kept in a
 * side file), and any later segment is set aside, since it cannot be applied after a gap.
 */
export function recover(segments: Segments): Recovery {
  const chunks = new Map<number, RecoveredChunk>();
  const states = new Map<string, ProcessorStateEntry>();
  let lastRecordId = 0;
  let lastSeq = 0;
  let frames = 0;
  let problem: JournalProblem | undefined;
  const files = segments.files();
  for (let index = 0; index < files.length; index++) {
    const file = files[index];
    const bytes = readFileSync(file.path);
    const read = readFrames(bytes);
    const size = read.problem ? read.problem.offset : bytes.length;
    if (read.problem) {
      writeFileSync(`${file.path}.${read.problem.offset}.discarded`, bytes.subarray(read.problem.offset));
      const setAside = files.slice(index + 1).map((later) => {
        renameSync(later.path, `${later.path}.corrupt`);
        return `${later.path}.corrupt`;
      });
      problem = { segment: file.path, offset: read.problem.offset, reason: read.problem.reason, discardedBytes: bytes.length - size, setAside };
    }
    const segment = segments.adopt(file.id, file.path, size);
    if (read.problem) ftruncateSync(segment.fd, size);
    segment.hasSnapshot = read.frames[0]?.meta.full === 1;
    for (const frame of read.frames) {
      frames++;
      const meta: FrameMeta = frame.meta;
      lastRecordId = Math.max(lastRecordId, meta.i);
      for (const entry of meta.a ?? []) {
        const pieces: StoredPiece[] = [];
        for (let i = 0; i < entry.p.length; i += 4) {
          pieces.push({ segment, from: entry.p[i], count: entry.p[i + 1], offset: frame.blobStart + entry.p[i + 2], length: entry.p[i + 3] });
        }
        chunks.set(entry.s, { entry, pieces, ranges: entry.u ? [...entry.u] : [] });
        lastSeq = Math.max(lastSeq, entry.s);
      }
      const used = meta.u ?? [];
      for (let i = 0; i < used.length; i += 3) chunks.get(used[i])?.ranges.push(used[i + 1], used[i + 2]);
      if (meta.full) states.clear();
      for (const state of meta.s ?? []) {
        const [flowId, processorId] = state;
        if (state.length === 3) states.set(stateKey(flowId, processorId), { flowId, processorId, value: state[2] });
        else states.delete(stateKey(flowId, processorId));
      }
    }
    if (problem) break;
  }
  return { chunks, states, lastRecordId, lastSeq, frames, problem };
}

/** The positions of a chunk that are stored and not consumed, as runs [from, to). */
export function liveRuns(chunk: RecoveredChunk): [number, number][] {
  const live = new Uint8Array(chunk.entry.n);
  for (const piece of chunk.pieces) live.fill(1, piece.from, piece.from + piece.count);
  for (let i = 0; i < chunk.ranges.length; i += 2) live.fill(0, chunk.ranges[i], chunk.ranges[i + 1]);
  const runs: [number, number][] = [];
  for (let at = 0; at < live.length; ) {
    if (!live[at]) {
      at++;
      continue;
    }
    const from = at;
    while (at < live.length && live[at]) at++;
    runs.push([from, at]);
  }
  return runs;
}

