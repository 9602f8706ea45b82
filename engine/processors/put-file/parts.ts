import { closeSync, existsSync, fsyncSync, openSync, renameSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { TextCodec } from '../../formats/codec';
import type { ParquetStaging } from '../../formats/parquet';
import type { RecordSchema } from '../../records/schema';
import { estimateSize } from '../../sdk';

/**
 * One output file while it fills ("a part"): written under a hidden temporary name, then sealed
 * (completed: JSON's "]", Parquet's COPY) and published (renamed to its final name). A part can be
 * cut back to an earlier point, which is how a batch that was written but not committed is undone.
 */
export interface Part {
  readonly info: PartInfo;
  readonly schema: RecordSchema;
  append(values: readonly unknown[]): Promise<void>;
  /** Make what was appended durable (fsync). */
  sync(): Promise<void>;
  /** Cut back to `records` / `bytes` (an earlier info), unsealing if needed. */
  truncate(records: number, bytes: number): Promise<void>;
  /** Complete the temporary file; it stays invisible until published. */
  seal(): Promise<void>;
  /** Rename to the final name (synchronous: it runs in a commit callback). */
  publish(): void;
  /** Release what is left once published (Parquet: the staging table). */
  cleanup(): Promise<void>;
  /** Delete it: it holds nothing committed. */
  discard(): Promise<void>;
}

/** What the processor state keeps of a part (JSON). */
export interface PartInfo {
  readonly seq: number;
  /** File names in the output directory. */
  readonly final: string;
  readonly temp: string;
  readonly records: number;
  readonly bytes: number;
  readonly openedAt: number;
  readonly sealed: boolean;
  /** CSV: the header's columns. */
  readonly columns?: readonly string[];
}

/** Rename, then fsync the directory so the new name itself survives a power loss. */
function renameDurably(directory: string, from: string, to: string): void {
  renameSync(path.join(directory, from), path.join(directory, to));
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A CSV, JSON lines or JSON part: text appended at known byte offsets. */
export class TextPart implements Part {
  private constructor(
    private readonly directory: string,
    private readonly codec: TextCodec,
    public info: PartInfo,
    readonly schema: RecordSchema,
    private handle?: FileHandle,
  ) {}

  static async create(directory: string, codec: TextCodec, info: Omit<PartInfo, 'records' | 'bytes' | 'sealed'>, schema: RecordSchema): Promise<TextPart> {
    const columns = schema.fields.map((f) => f.name);
    const handle = await open(path.join(directory, info.temp), 'w');
    const part = new TextPart(directory, codec, { ...info, records: 0, bytes: 0, sealed: false, ...(codec.tabular && { columns }) }, schema, handle);
    await part.write(codec.header(columns));
    return part;
  }

  /** The part of an earlier run, cut back to what its state committed; undefined if its file is gone. */
  static async resume(directory: string, codec: TextCodec, info: PartInfo): Promise<TextPart | undefined> {
    if (!existsSync(path.join(directory, info.temp))) return undefined;
    const schema = { fields: (info.columns ?? []).map((name) => ({ name, type: 'string' as const, nullable: true })) };
    const part = new TextPart(directory, codec, info, schema);
    await part.truncate(info.records, info.bytes);
    if (info.sealed) {
      // complete already (its footer is within the committed bytes): only publishing is left
      await part.handle?.close();
      part.handle = undefined;
      part.info = { ...part.info, sealed: true };
    }
    return part;
  }

  async append(values: readonly unknown[]): Promise<void> {
    await this.write(this.codec.rows(values, this.info.columns ?? [], this.info.records));
    this.info = { ...this.info, records: this.info.records + values.length };
  }

  async sync(): Promise<void> {
    await this.handle?.datasync();
  }

  async truncate(records: number, bytes: number): Promise<void> {
    this.handle ??= await open(path.join(this.directory, this.info.temp), 'r+');
    await this.handle.truncate(bytes);
    this.info = { ...this.info, records, bytes, sealed: false };
  }

  async seal(): Promise<void> {
    await this.write(this.codec.footer(this.info.records));
    await this.handle!.datasync();
    await this.handle!.close();
    this.handle = undefined;
    this.info = { ...this.info, sealed: true };
  }

  publish(): void {
    renameDurably(this.directory, this.info.temp, this.info.final);
  }

  async cleanup(): Promise<void> {}

  async discard(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    await rm(path.join(this.directory, this.info.temp), { force: true });
  }

  private async write(text: string): Promise<void> {
    if (text === '') return;
    const bytes = Buffer.from(text, 'utf8');
    // at an explicit offset: after a truncate the file ends exactly there
    await this.handle!.write(bytes, 0, bytes.length, this.info.bytes);
    this.info = { ...this.info, bytes: this.info.bytes + bytes.length };
  }
}

/** A Parquet part: its rows wait in a DuckDB staging table (on disk, not in the JS heap) until sealed. */
export class ParquetPart implements Part {
  private constructor(
    private readonly directory: string,
    private readonly staging: ParquetStaging,
    public info: PartInfo,
    readonly schema: RecordSchema,
  ) {}

  static async create(directory: string, staging: ParquetStaging, info: Omit<PartInfo, 'records' | 'bytes' | 'sealed'>, schema: RecordSchema): Promise<ParquetPart> {
    await staging.create(info.seq, schema);
    return new ParquetPart(directory, staging, { ...info, records: 0, bytes: 0, sealed: false }, schema);
  }

  /** The part of an earlier run, cut back to what its state committed; undefined if it was published. */
  static async resume(directory: string, staging: ParquetStaging, info: PartInfo, schema: RecordSchema | undefined): Promise<ParquetPart | undefined> {
    if (!schema) return undefined;
    const part = new ParquetPart(directory, staging, info, schema);
    if (existsSync(path.join(directory, info.final))) {
      // published just before the run stopped, staging table not dropped yet
      await part.cleanup();
      return undefined;
    }
    await part.truncate(info.records, info.bytes);
    return part;
  }

  async append(values: readonly unknown[]): Promise<void> {
    await this.staging.append(this.info.seq, this.schema, values as Record<string, unknown>[], this.info.records);
    let bytes = this.info.bytes;
    for (const value of values) bytes += estimateSize(value);
    this.info = { ...this.info, records: this.info.records + values.length, bytes };
  }

  /** DuckDB commits each append to its write-ahead log before append returns. */
  async sync(): Promise<void> {}

  async truncate(records: number, bytes: number): Promise<void> {
    await this.staging.truncate(this.info.seq, records);
    await rm(path.join(this.directory, this.info.temp), { force: true });
    this.info = { ...this.info, records, bytes, sealed: false };
  }

  async seal(): Promise<void> {
    const temp = path.join(this.directory, this.info.temp);
    await this.staging.copyTo(this.info.seq, temp);
    // DuckDB's COPY does not promise an fsync; the rename must not publish a file still in the page cache
    const handle = await open(temp, 'r+');
    await handle.sync().finally(() => handle.close());
    this.info = { ...this.info, sealed: true };
  }

  publish(): void {
    renameDurably(this.directory, this.info.temp, this.info.final);
  }

  async cleanup(): Promise<void> {
    await this.staging.drop(this.info.seq);
  }

  async discard(): Promise<void> {
    await this.cleanup();
    await rm(path.join(this.directory, this.info.temp), { force: true });
  }
}
