import { readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { EXTENSION_OF, type TextCodec } from '../../formats/codec';
import { ParquetStaging } from '../../formats/parquet';
import { textCodec } from '../../formats/text';
import { inferSchema, mergeSchemas, widen, type RecordSchema } from '../../records/schema';
import { confinedPath, implement, type FlowRecord, type ProcessSession } from '../../sdk';
import { ParquetPart, TextPart, type Part, type PartInfo } from './parts';
import { putFileSpec } from './spec';

/**
 * PutFile, and what "success" promises: a batch is appended to the current part (a hidden temporary
 * file, or for Parquet a DuckDB staging table), synced to disk (Sync on), and only then are its
 * records transferred to success. A part that is full (records, bytes) or has new columns is sealed
 * within the trigger and renamed to its final name right after the commit; the age timer and stop
 * seal and rename the current part outside any trigger (its records are all committed). A trigger
 * that fails cuts the parts back to where they were, so a retried batch is not written twice.
 *
 * CSV and Parquet columns come from the records (inferSchema over the batch). A record with a field
 * the open file lacks (or, for Parquet, a value its column type cannot hold) rolls the file: the next
 * one has the merged columns, so no value is dropped and every file has a single header.
 */

/**
 * Processor state, committed with each batch: the parts (output files) open or sealed-but-not-yet-
 * renamed, with the size their committed records reach. After a crash, a part is cut back to that
 * size (dropping a batch written but never committed) and published; a temporary file the state
 * does not know holds nothing committed and is removed.
 */
interface PutFileState {
  readonly seq: number;
  readonly parts: readonly PartInfo[];
}

/** Where the current part stood before a trigger wrote to it: a failed trigger cuts it back there. */
interface Mark {
  readonly part: Part;
  readonly records: number;
  readonly bytes: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export default implement(putFileSpec, async (ctx) => {
  const { props } = ctx;
  // checked against the file roots here and before every batch: a symlink that leads out may appear
  // after validation; the batch then fails (a bulletin) and waits in the queue
  const directory = confinedPath(props.directory, 'Directory');
  await mkdir(directory, { recursive: true });
  // temporary files are hidden (readers such as GetFile skip .names) and carry this processor's id
  const prefix = `.conflux-${ctx.processorId.replace(/[^\w-]/g, '_')}-`;
  const codec: TextCodec | undefined = props.format === 'parquet' ? undefined : textCodec(props.format, { delimiter: props.delimiter });
  const tabular = codec ? codec.tabular : true;
  const stagingFile = path.join(directory, `${prefix}staging.duckdb`);
  const staging = props.format === 'parquet' ? await ParquetStaging.open(stagingFile) : undefined;
  const saved = (ctx.state() as PutFileState | undefined) ?? { seq: 0, parts: [] };
  let seq = saved.seq;
  let current: Part | undefined;
  /** Sealed parts with committed records, not renamed yet: a failed rename is retried, never forgotten. */
  const unpublished: Part[] = [];
  /** The columns of the latest part: the next part starts from them, so files keep a stable shape. */
  let lastSchema: RecordSchema | undefined;
  let ageTimer: NodeJS.Timeout | undefined;
  /** A roll that failed outside a trigger (the age timer): the next trigger throws it, so it shows. */
  let failedRoll: unknown;
  const serial = serialQueue();

  try {
    await recover(saved.parts);
  } catch (error) {
    // a failed start gets no onStop: release the staging database here, or it blocks the next start
    await staging?.close();
    throw error;
  }

  /** Publish the parts an earlier run left, cut back to their committed size; remove the rest. */
  async function recover(parts: readonly PartInfo[]): Promise<void> {
    const schemas = await staging?.parts();
    for (const info of parts) {
      const part = staging ? await ParquetPart.resume(directory, staging, info, schemas?.get(info.seq)) : await TextPart.resume(directory, codec!, info);
      if (!part) continue;
      if (!part.info.sealed) await part.seal();
      part.publish();
      await part.cleanup();
    }
    for (const name of readdirSync(directory)) {
      if (name.startsWith(prefix) && name.endsWith('.part')) await rm(path.join(directory, name), { force: true });
    }
    for (const part of (await staging?.parts())?.keys() ?? []) await staging!.drop(part);
  }

  async function openPart(schema: RecordSchema): Promise<Part> {
    let final: string;
    do {
      seq++;
      final = fileName(props.filename, seq, EXTENSION_OF[props.format]);
    } while (readdirSync(directory).includes(final));
    const info = { seq, final, temp: `${prefix}${final}.part`, openedAt: Date.now() };
    const part = staging ? await ParquetPart.create(directory, staging, info, schema) : await TextPart.create(directory, codec!, info, schema);
    lastSchema = schema;
    armAgeTimer(part);
    return part;
  }

  function armAgeTimer(part: Part): void {
    clearTimeout(ageTimer);
    if (props.maxAgeMs <= 0) return;
    const due = Math.max(0, part.info.openedAt + props.maxAgeMs - Date.now());
    ageTimer = setTimeout(() => {
      serial(async () => {
        if (current === part) await rollCurrent();
      }).catch((error) => (failedRoll = error));
    }, due);
    ageTimer.unref();
  }

  /** Seal and publish the current part (its records are all committed): age, stop. */
  async function rollCurrent(): Promise<void> {
    clearTimeout(ageTimer);
    const part = current;
    if (!part) return;
    const { records, bytes } = part.info;
    try {
      await part.seal();
    } catch (error) {
      await part.truncate(records, bytes).catch(() => undefined);
      throw new Error(`rolling ${part.info.final}: ${(error as Error).message}`, { cause: error });
    }
    current = undefined;
    unpublished.push(part);
    publishPending();
  }

  /** Rename the sealed parts, oldest first; throws (the part stays pending) if a rename fails. */
  function publishPending(): void {
    while (unpublished.length > 0) {
      const part = unpublished[0];
      try {
        part.publish();
      } catch (error) {
        throw new Error(`renaming ${part.info.temp} to ${part.info.final}: ${(error as Error).message}`, { cause: error });
      }
      unpublished.shift();
      void serial(() => part.cleanup()).catch(() => undefined);
    }
  }

  const isFull = (part: Part) =>
    (props.maxRecords > 0 && part.info.records >= props.maxRecords) || (props.maxBytes > 0 && part.info.bytes >= props.maxBytes);

  /** Whether the part's columns hold the batch: CSV needs the names; Parquet also types that widen to its own. */
  function fits(part: Part, batch: RecordSchema): boolean {
    const types = new Map(part.schema.fields.map((f) => [f.name, f.type]));
    return batch.fields.every((f) => {
      const type = types.get(f.name);
      return type !== undefined && (codec !== undefined || widen(type, f.type) === type);
    });
  }

  async function write(batch: readonly FlowRecord[], session: ProcessSession): Promise<void> {
    if (failedRoll) {
      const error = failedRoll;
      failedRoll = undefined;
      throw error;
    }
    confinedPath(directory, 'Directory');
    publishPending();
    const accepted: FlowRecord[] = [];
    for (const record of batch) {
      if (!tabular || isObject(record.content)) accepted.push(record);
      else session.fail(record, `${props.format} files hold object records, got ${Array.isArray(record.content) ? 'an array' : typeof record.content}`);
    }
    if (accepted.length === 0) return;
    const values = accepted.map((r) => r.content);
    const batchSchema: RecordSchema = tabular ? schemaOf(values, lastSchema) : { fields: [] };
    const mark: Mark | undefined = current && { part: current, records: current.info.records, bytes: current.info.bytes };
    const opened: Part[] = [];
    const sealed: Part[] = [];
    const seal = async (part: Part) => {
      await part.seal();
      sealed.push(part);
      current = undefined;
    };
    try {
      // new fields (or, for Parquet, wider types): this file is finished, the next has the merged columns
      if (current && !fits(current, batchSchema)) await seal(current);
      for (let i = 0; i < values.length; ) {
        if (current && isFull(current)) await seal(current);
        if (!current) {
          current = await openPart(lastSchema ? mergeSchemas(lastSchema, batchSchema) : batchSchema);
          opened.push(current);
        }
        const room = props.maxRecords > 0 ? props.maxRecords - current.info.records : values.length;
        const chunk = values.slice(i, i + room);
        await current.append(chunk);
        i += chunk.length;
      }
      if (props.sync) await current?.sync();
      // roll as soon as a file is full, not when the next batch comes
      if (current && isFull(current)) await seal(current);
    } catch (error) {
      await undo(mark, opened);
      throw error;
    }
    session.transferAll(accepted, 'success');
    session.setState({ seq, parts: [...unpublished, ...sealed, ...(current ? [current] : [])].map((p) => p.info) } satisfies PutFileState);
    // parts are published (renamed into place) once their records' commit is on disk; nobody waits
    session.onCommitted(
      () => {
        unpublished.push(...sealed);
        publishPending();
      },
      { waiting: false },
    );
    // a commit does not fail once every record is routed; if it ever did, the batch must not stay written
    session.onRolledBack(() => void serial(() => undo(mark, opened)).catch((error) => (failedRoll = error)));
  }

  /** Take back a batch: delete the parts it opened, cut the one it started in back to where it was. */
  async function undo(mark: Mark | undefined, opened: readonly Part[]): Promise<void> {
    for (const part of opened) await part.discard();
    current = mark?.part;
    if (mark) {
      await mark.part.truncate(mark.records, mark.bytes);
      armAgeTimer(mark.part);
    }
  }

  return {
    onTrigger: (batch, session) => serial(() => write(batch, session)),
    async onStop() {
      await serial(async () => {
        try {
          publishPending();
          await rollCurrent();
        } finally {
          staging?.close();
        }
        // every part is published: the staging database holds nothing (it is kept if the roll failed)
        if (staging) for (const file of [stagingFile, `${stagingFile}.wal`]) await rm(file, { force: true });
      });
    },
  };
});

/**
 * The batch's schema. A field that is only null in this batch has no type of its own (inferSchema
 * calls it string): it takes the type the files already give it, so a batch of nulls neither rolls a
 * Parquet file nor turns an integer column into text.
 */
function schemaOf(values: readonly unknown[], known: RecordSchema | undefined): RecordSchema {
  const schema = inferSchema(values);
  if (!known) return schema;
  const knownTypes = new Map(known.fields.map((f) => [f.name, f.type]));
  const withValue = new Set<string>();
  for (const value of values) {
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) if (v !== null && v !== undefined) withValue.add(name);
  }
  return { fields: schema.fields.map((f) => (withValue.has(f.name) || !knownTypes.has(f.name) ? f : { ...f, type: knownTypes.get(f.name)! })) };
}

/** The file name of part `seq`: {timestamp} (UTC, 20260801T100000123Z), {seq} (000001), {ext}. */
export function fileName(pattern: string, seq: number, extension: string, now = new Date()): string {
  const timestamp = now.toISOString().replace(/[-:.]/g, '');
  return pattern.replaceAll('{timestamp}', timestamp).replaceAll('{seq}', String(seq).padStart(6, '0')).replaceAll('{ext}', extension);
}

/** Run async tasks one after another: triggers, timer rolls and stop never interleave on a file. */
function serialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
