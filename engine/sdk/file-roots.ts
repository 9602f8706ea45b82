import type * as Fs from 'node:fs';
import type * as Os from 'node:os';
import type * as Path from 'node:path';

/**
 * Processors and services that touch the host's files (GetFile, PutFile, DuckDBWarehouse) are
 * confined to base directories, the file roots: CONFLUX_FILE_ROOTS (paths separated by the OS path
 * delimiter, ":" on Linux), else ./data (from the server's working directory) and the OS temporary
 * directory. A path counts as inside when its real location is: `..` is resolved and every symlink
 * of the part that exists is followed, so neither can lead out.
 *
 * Specs call `fileRootProblem` from `validate`, and specs also run in the browser (the form's live
 * check), where the server's files and environment cannot be seen: there the check passes, and the
 * server's answer on save carries the message. Node's modules are therefore taken at run time
 * (process.getBuiltinModule) rather than imported, which would not bundle for the browser.
 */

export const FILE_ROOTS_ENV = 'CONFLUX_FILE_ROOTS';

/** What the description of a confined path property says about the roots. */
export const FILE_ROOTS_NOTE = `It must be inside the allowed file roots: ${FILE_ROOTS_ENV} (absolute paths separated by ":", ";" on Windows), by default the server's ./data directory and the OS temporary directory.`;

/** A symlink chain longer than this is a loop (Linux gives up at 40 too). */
const MAX_SYMLINK_HOPS = 40;

interface NodeModules {
  readonly fs: typeof Fs;
  readonly path: typeof Path;
  readonly os: typeof Os;
}

/** Node's modules, or undefined in a browser. */
function nodeModules(): NodeModules | undefined {
  if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') return undefined;
  return { fs: process.getBuiltinModule('node:fs'), path: process.getBuiltinModule('node:path'), os: process.getBuiltinModule('node:os') };
}

/** The allowed roots, absolute, as configured (read at every check, so a changed environment applies). */
export function fileRoots(): string[] {
  const node = nodeModules();
  if (!node) return [];
  const configured = (process.env[FILE_ROOTS_ENV] ?? '').split(node.path.delimiter).filter((entry) => entry.trim() !== '');
  const roots = configured.length > 0 ? configured : ['data', node.os.tmpdir()];
  return roots.map((root) => node.path.resolve(root));
}

/** How a relative path is resolved: from `relativeTo` (itself from the working directory), else the working directory. */
export interface PathOptions {
  readonly relativeTo?: string;
}

/**
 * Why `target` may not be used, or undefined when it is inside a root (or when this runs in a
 * browser and cannot tell). `what` starts the message: "Directory", "Database file".
 */
export function fileRootProblem(target: string, what: string, { relativeTo = '.' }: PathOptions = {}): string | undefined {
  const node = nodeModules();
  if (!node) return undefined;
  const absolute = node.path.resolve(relativeTo, target);
  const roots = fileRoots();
  let real: string;
  try {
    real = realLocation(node, absolute);
  } catch (error) {
    return `${what} ${absolute} cannot be checked against the allowed file roots: ${(error as Error).message}`;
  }
  const inside = roots.some((root) => {
    try {
      return contains(node.path, realLocation(node, root), real);
    } catch {
      return false; // a root that cannot be resolved allows nothing
    }
  });
  if (inside) return undefined;
  const shown = real === absolute ? absolute : `${absolute} (really ${real})`;
  return `${what} ${shown} is outside the allowed file roots (${roots.join(', ')}); set ${FILE_ROOTS_ENV} to allow it`;
}

/**
 * Thrown at start or in a trigger. Retryable (see isTransient): nothing is wrong with the records,
 * so they wait in their queue for the path to be fixed instead of going to failure.
 */
export class OutsideFileRootsError extends Error {
  override readonly name = 'OutsideFileRootsError';
  readonly retryable = true;
}

/**
 * The absolute path of `target`, checked against the roots again where it is used (at start, in
 * each trigger): a symlink may have appeared since the configuration was validated.
 */
export function confinedPath(target: string, what: string): string {
  const node = nodeModules();
  if (!node) throw new Error('file paths are only used on the server');
  const problem = fileRootProblem(target, what);
  if (problem) throw new OutsideFileRootsError(problem);
  return node.path.resolve(target);
}

/** Whether `inner` is `outer` or below it; a sibling sharing its prefix (/tmp-evil for /tmp) is not. */
function contains(path: typeof Path, outer: string, inner: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/**
 * Where an absolute path really leads: the longest part that exists, with its symlinks followed, then
 * the rest. A dangling symlink is followed to where it points, since writing through it would create
 * its target there.
 */
function realLocation({ fs, path }: NodeModules, absolute: string): string {
  const missing: string[] = [];
  let current = absolute;
  for (let hops = 0; ; ) {
    try {
      const real = fs.realpathSync.native(current);
      return path.join(real, ...missing);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    }
    const link = readLinkOrUndefined(fs, current);
    if (link !== undefined) {
      if (++hops > MAX_SYMLINK_HOPS) throw new Error(`too many symbolic links at ${current}`);
      current = path.resolve(path.dirname(current), link);
      continue;
    }
    const parent = path.dirname(current);
    if (parent === current) return path.join(current, ...missing);
    missing.unshift(path.basename(current));
    current = parent;
  }
}

function readLinkOrUndefined(fs: typeof Fs, file: string): string | undefined {
  try {
    return fs.readlinkSync(file);
  } catch {
    return undefined; // missing, or not a symlink
  }
}
