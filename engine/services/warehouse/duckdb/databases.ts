import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { IN_MEMORY } from './spec';

export interface OpenDatabase {
  readonly instance: DuckDBInstance;
  /** Give the database back; the last user closes it. */
  release(): void;
}

interface Shared {
  readonly instance: Promise<DuckDBInstance>;
  users: number;
}

/**
 * The warehouse reads and writes its own file only: no other file, URL or extension download through
 * SQL (read_csv, COPY, ATTACH, INSTALL), whoever writes the SQL (the Questions page's console, a
 * flow's table names). Set when the instance opens; DuckDB does not let it be turned back on.
 */
const CONFIG = { enable_external_access: 'false' };

/** Open database files by absolute path. DuckDB locks a file per process: two services naming the same file share one instance. */
const files = new Map<string, Shared>();

/** A DuckDB database: a file (created with its folder if missing, shared in this process) or a private in-memory one. */
export async function openDatabase(location: string): Promise<OpenDatabase> {
  if (location === IN_MEMORY) {
    const instance = await DuckDBInstance.create(IN_MEMORY, CONFIG);
    return { instance, release: () => instance.closeSync() };
  }
  const file = path.resolve(location);
  let shared = files.get(file);
  if (!shared) {
    const opening = (async () => {
      mkdirSync(path.dirname(file), { recursive: true });
      return DuckDBInstance.create(file, CONFIG);
    })();
    const entry: Shared = { instance: opening, users: 0 };
    shared = entry;
    files.set(file, entry);
    // a failed open (the file locked by another program, say) is forgotten: the next use tries again
    opening.catch(() => files.get(file) === entry && files.delete(file));
  }
  shared.users++;
  let instance: DuckDBInstance;
  try {
    instance = await shared.instance;
  } catch (error) {
    shared.users--;
    throw error;
  }
  const entry = shared;
  let released = false;
  return {
    instance,
    release: () => {
      if (released) return;
      released = true;
      if (--entry.users > 0) return;
      if (files.get(file) === entry) files.delete(file);
      instance.closeSync();
    },
  };
}
