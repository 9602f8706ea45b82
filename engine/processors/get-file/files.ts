import { existsSync, mkdirSync, renameSync, unlinkSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** A file found in the directory, as it was when listed. */
export interface ListedFile {
  readonly path: string;
  /** size:mtimeMs; a file whose identity changed is a new file. */
  readonly identity: string;
  readonly mtimeMs: number;
}

export const identityOf = (stats: { size: number; mtimeMs: number }) => `${stats.size}:${stats.mtimeMs}`;

/**
 * Every file under `directory` whose name passes `accept`: hidden files and directories (.name, where
 * writers keep their temporary files) and the `skip` directory are left out. Oldest first, so files
 * are read in the order they arrived.
 */
export async function listFiles(directory: string, recurse: boolean, accept: (name: string) => boolean, skip: string): Promise<ListedFile[]> {
  const found: ListedFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      // a subdirectory removed while walking is gone; the watched directory missing is an error
      if (dir !== directory && isMissing(error)) return;
      throw new Error(`cannot list ${dir}: ${(error as Error).message}`, { cause: error });
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (recurse && full !== skip) await walk(full);
      } else if (entry.isFile() && accept(entry.name)) {
        const stats = await stat(full).catch((error) => (isMissing(error) ? undefined : Promise.reject(error)));
        if (stats) found.push({ path: full, identity: identityOf(stats), mtimeMs: stats.mtimeMs });
      }
    }
  };
  await walk(directory);
  return found.sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path));
}

/** The file's identity now, or undefined if it is gone. */
export async function currentIdentity(file: string): Promise<string | undefined> {
  try {
    return identityOf(await stat(file));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * Move a file that was read into the done directory (keeping its path below the watched one), under a
 * new name if one of that name is already there. Synchronous: it runs in a commit callback.
 */
export function moveToDone(file: string, directory: string, doneDirectory: string): void {
  let target = path.join(doneDirectory, path.relative(directory, file));
  if (existsSync(target)) {
    const { dir, name, ext } = path.parse(target);
    target = path.join(dir, `${name}.${Date.now()}${ext}`);
  }
  mkdirSync(path.dirname(target), { recursive: true });
  renameSync(file, target);
}

export function deleteFile(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

export function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
