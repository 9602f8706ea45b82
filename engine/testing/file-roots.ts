import path from 'node:path';
import { FILE_ROOTS_ENV } from '../sdk/file-roots';

/** Run `body` with only these file roots allowed (CONFLUX_FILE_ROOTS), then restore what was set. */
export async function withFileRoots<T>(roots: readonly string[], body: () => T | Promise<T>): Promise<T> {
  const before = process.env[FILE_ROOTS_ENV];
  process.env[FILE_ROOTS_ENV] = roots.join(path.delimiter);
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env[FILE_ROOTS_ENV];
    else process.env[FILE_ROOTS_ENV] = before;
  }
}
