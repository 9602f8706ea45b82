import path from 'node:path';
import { describeFailure, FormatError, formatOfPath, isFailure, START, type Cursor, type Decoded, type FormatName, type TextCodec, type TextFormatName } from '../../formats/codec';
import { ParquetReader } from '../../formats/parquet';
import { readTextFile, textCodec } from '../../formats/text';
import { confinedPath, implement, type ProcessSession } from '../../sdk';
import { currentIdentity, deleteFile, isMissing, listFiles, moveToDone, type ListedFile } from './files';
import { namePattern } from './name-pattern';
import { getFileSpec } from './spec';

/**
 * GetFile: each trigger lists the directory (at most once), takes files oldest first and reads up to
 * a batch of records from where the committed state says, across as many files as the batch allows.
 * The position (byte offset, line and record index for text; row for Parquet) is committed with the
 * records, so a file is read over many triggers and a restart or a rolled-back trigger resumes at
 * exactly the first record not delivered. A file's after-action (move, delete) runs once the batch
 * that finished it is committed. A file is identified by path, size and modification time: one that
 * changes is a new file, read from its start. With nothing to read, the processor yields.
 */

/**
 * Processor state, committed with the records read: where reading stopped, and which files were
 * read to the end. A restart (or a rolled-back trigger) goes on from exactly there.
 */
interface GetFileState {
  /** The file being read, across triggers. */
  readonly reading?: Reading;
  /** Files read to the end that are still in the directory: path → identity (size:mtimeMs). */
  readonly done: Readonly<Record<string, string>>;
}

interface Reading {
  readonly path: string;
  readonly identity: string;
  readonly format: FormatName;
  readonly cursor: Cursor;
}

/** One trigger's bookkeeping: list the directory at most once; whether the state changed. */
interface Scan {
  listAgain: boolean;
  changed: boolean;
}

interface Batch {
  readonly items: Decoded[];
  readonly cursor: Cursor;
  readonly done: boolean;
}

export default implement(getFileSpec, (ctx) => {
  const { props } = ctx;
  const directory = path.resolve(props.directory);
  const doneDirectory = path.resolve(directory, props.doneDirectory);
  /**
   * The directories are checked against the file roots at start and again in every trigger: a
   * symlink that leads out may appear after validation. Outside, the trigger fails (a bulletin) and
   * is retried, and nothing is read.
   */
  const checkConfined = () => {
    confinedPath(directory, 'Directory');
    if (props.after === 'move') confinedPath(doneDirectory, 'Done directory');
  };
  checkConfined();
  const matchesName = namePattern(props.pattern);
  const accept = (name: string) => matchesName(name) && formatOf(name) !== undefined;
  const codecs = new Map<TextFormatName, TextCodec>();
  const parquet = new ParquetReader();
  /** Files from the last listing not taken yet (oldest first); listing once per file would be quadratic. */
  let queue: ListedFile[] = [];

  function formatOf(name: string): FormatName | undefined {
    return props.format === 'auto' ? formatOfPath(name) : props.format;
  }

  async function read(reading: Reading, max: number): Promise<Batch> {
    const { format, cursor } = reading;
    if (format !== 'parquet') {
      if (!codecs.has(format)) codecs.set(format, textCodec(format, { delimiter: props.delimiter, typed: props.typedValues }));
      return readTextFile(reading.path, codecs.get(format)!, cursor, max);
    }
    const { rows, done } = await parquet.read(reading.path, cursor.index, max);
    const items = rows.map((value, k) => ({ value, index: cursor.index + k, line: 0 }));
    return { items, cursor: { ...cursor, index: cursor.index + rows.length }, done };
  }

  /** The next file to read: listed, old enough, not read already in its current form. */
  async function nextFile(done: Record<string, string>, scan: Scan): Promise<Reading | undefined> {
    const now = Date.now();
    for (;;) {
      if (queue.length === 0) {
        if (!scan.listAgain) return undefined;
        scan.listAgain = false;
        const files = await listFiles(directory, props.recurse, accept, doneDirectory);
        // forget files that left the directory (moved, deleted): the state stays as small as the directory
        const present = new Set(files.map((f) => f.path));
        for (const known of Object.keys(done)) {
          if (!present.has(known)) {
            delete done[known];
            scan.changed = true;
          }
        }
        queue = files.filter((f) => done[f.path] !== f.identity && now - f.mtimeMs >= props.minAgeMs);
        continue;
      }
      const file = queue.shift()!;
      const identity = await currentIdentity(file.path);
      if (identity === undefined || done[file.path] === identity) continue;
      // changed since it was listed: still being written, so not old enough yet
      if (identity !== file.identity) continue;
      return { path: file.path, identity, format: formatOf(path.basename(file.path))!, cursor: START };
    }
  }

  function emit(session: ProcessSession, reading: Reading, items: readonly Decoded[]): void {
    const base = { filename: path.basename(reading.path), path: reading.path, 'file.format': reading.format };
    for (const item of items) {
      const attributes = { ...base, 'record.index': String(item.index) };
      if (!isFailure(item)) session.transfer(session.create(item.value, attributes), 'success');
      else {
        const failed = { ...attributes, 'error.message': describeFailure(item), ...(item.line > 0 && { 'record.line': String(item.line) }) };
        session.transfer(session.create(item.raw, failed), 'parse.failure');
      }
    }
  }

  /** What happens to a file read to the end, once its records are committed. Errors become bulletins. */
  function afterRead(file: string): void {
    if (props.after === 'delete') deleteFile(file);
    else if (props.after === 'move') moveToDone(file, directory, doneDirectory);
  }

  return {
    async onTrigger(_batch, session) {
      checkConfined();
      const state = (ctx.state() as GetFileState | undefined) ?? { done: {} };
      const done = { ...state.done };
      let reading = state.reading;
      let produced = 0;
      const scan: Scan = { listAgain: true, changed: false };
      while (produced < ctx.batchSize) {
        if (reading && (await currentIdentity(reading.path)) !== reading.identity) {
          // gone, or rewritten while being read: a rewritten file is a new file, read from its start
          reading = undefined;
        }
        reading ??= await nextFile(done, scan);
        if (!reading) break;
        let batch: Batch;
        try {
          batch = await read(reading, ctx.batchSize - produced);
        } catch (error) {
          if (isMissing(error)) {
            reading = undefined;
            continue;
          }
          if (!(error instanceof FormatError)) throw error; // an I/O problem: roll back, retry later
          // the whole file is unreadable in its format: say so once and leave it where it is
          const attributes = { filename: path.basename(reading.path), path: reading.path, 'file.format': reading.format, 'error.message': error.message };
          session.transfer(session.create(null, attributes), 'parse.failure');
          done[reading.path] = reading.identity;
          scan.changed = true;
          reading = undefined;
          produced++;
          continue;
        }
        emit(session, reading, batch.items);
        produced += batch.items.length;
        if (batch.done) {
          const finished = reading.path;
          done[finished] = reading.identity;
          scan.changed = true;
          // the delete or move waits for the records to be on disk, but nobody waits for it
          session.onCommitted(() => afterRead(finished), { waiting: false });
          reading = undefined;
        } else reading = { ...reading, cursor: batch.cursor };
      }
      if (reading !== state.reading || scan.changed) session.setState({ reading, done } satisfies GetFileState);
      if (produced === 0 && !reading) session.yield(props.pollIntervalMs);
    },
    onStop: () => parquet.close(),
  };
});
