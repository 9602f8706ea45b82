import { closeSync, constants, fsync, fdatasync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, unlinkSync, write } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Chunk } from '../runtime/chunk';

const writeAt = promisify(write);
const dataSync = promisify(fdatasync);
const fullSync = promisify(fsync);
const NAME = /^(\d{10})\.seg$/;

/**
 * One file of the journal. Frames are appended to the newest segment only; older ones are read
 * (records paged back in) until nothing in them is live, then deleted, oldest first.
 */
export class Segment {
  /** Chunks whose records are stored here and not all consumed (durably): what keeps the file. */
  readonly chunks = new Set<Chunk>();
  /** Stored bytes of those chunks: a segment that is mostly dead is worth compacting. */
  liveBytes = 0;
  /** Its first frame, which holds every processor state, is written: older segments hold nothing else it needs. */
  hasSnapshot = false;

  constructor(
    readonly id: number,
    readonly path: string,
    readonly fd: number,
    /** Bytes of whole frames: where the next frame goes. */
    public size: number,
  ) {}
}

/** The journal's files in a directory, in order; appends and reads. */
export class Segments {
  readonly list: Segment[] = [];

  constructor(readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  /** The segment files there are, oldest first. */
  files(): { id: number; path: string }[] {
    return readdirSync(this.directory)
      .map((name) => NAME.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ id: Number(m[1]), path: path.join(this.directory, m[0]) }))
      .sort((a, b) => a.id - b.id);
  }

  /** Keep an existing segment open for reads (recovery found `size` bytes of whole frames in it). */
  adopt(id: number, file: string, size: number): Segment {
    const segment = new Segment(id, file, openSync(file, constants.O_RDWR), size);
    this.list.push(segment);
    return segment;
  }

  /** Start a new segment: appends go there from now on. */
  async create(): Promise<Segment> {
    // the segment left behind must be whole on disk before frames are acknowledged from the next
    // one (with sync: always only acknowledged frames are fsynced): else a power loss could tear its
    // tail, and recovery would set aside the newer, synced segment with it
    const previous = this.list.at(-1);
    if (previous) await dataSync(previous.fd);
    const id = (this.list.at(-1)?.id ?? this.files().at(-1)?.id ?? 0) + 1;
    const file = path.join(this.directory, `${String(id).padStart(10, '0')}.seg`);
    const segment = new Segment(id, file, openSync(file, constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC), 0);
    this.list.push(segment);
    // the new name must survive a power loss too, or the frames in it would
    const dir = openSync(this.directory, constants.O_RDONLY);
    try {
      await fullSync(dir);
    } finally {
      closeSync(dir);
    }
    return segment;
  }

  get active(): Segment {
    return this.list[this.list.length - 1];
  }

  /**
   * Write a frame at the end of the active segment (to the operating system; with `sync` to the disk
   * too). A failed write (disk full) is cut off again, so the segment still ends with a whole frame.
   */
  async append(bytes: Buffer, sync: boolean): Promise<{ segment: Segment; position: number }> {
    const segment = this.active;
    const position = segment.size;
    try {
      let written = 0;
      while (written < bytes.length) {
        const { bytesWritten } = await writeAt(segment.fd, bytes, written, bytes.length - written, position + written);
        if (bytesWritten === 0) throw new Error(`no byte of the write to ${segment.path} was taken`);
        written += bytesWritten;
      }
      if (sync) await dataSync(segment.fd);
    } catch (error) {
      try {
        ftruncateSync(segment.fd, position);
      } catch {
        // what is left after `position` is a torn frame, found and cut at the next start
      }
      throw error;
    }
    segment.size = position + bytes.length;
    return { segment, position };
  }

  read(segment: Segment, position: number, length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const n = readSync(segment.fd, buffer, read, length - read, position + read);
      if (n === 0) throw new Error(`segment ${segment.path} ends at ${position + read}, before the ${length} bytes at ${position}`);
      read += n;
    }
    return buffer;
  }

  /** Remove the oldest segment (nothing in it is needed any more). */
  deleteOldest(): void {
    const segment = this.list.shift()!;
    closeSync(segment.fd);
    unlinkSync(segment.path);
  }

  async close(): Promise<void> {
    const active = this.list.at(-1);
    if (active) await dataSync(active.fd).catch(() => undefined);
    for (const segment of this.list.splice(0)) closeSync(segment.fd);
  }
}
