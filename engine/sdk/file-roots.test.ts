import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { isTransient } from './errors';
import { confinedPath, fileRootProblem, fileRoots, FILE_ROOTS_ENV, OutsideFileRootsError } from './file-roots';

// real: on macOS the temporary directory is itself behind a symlink
const base = realpathSync(mkdtempSync(path.join(tmpdir(), 'conflux-file-roots-')));
const allowed = path.join(base, 'allowed');
const outside = path.join(base, 'outside');
mkdirSync(allowed);
mkdirSync(outside);
const startDir = process.cwd();
after(() => {
  process.chdir(startDir);
  delete process.env[FILE_ROOTS_ENV];
  rmSync(base, { recursive: true, force: true });
});
beforeEach(() => {
  process.env[FILE_ROOTS_ENV] = allowed;
});

test('by default the roots are ./data (from the working directory) and the OS temporary directory', () => {
  delete process.env[FILE_ROOTS_ENV];
  assert.deepEqual(fileRoots(), [path.resolve('data'), tmpdir()]);
  assert.equal(fileRootProblem(path.join(tmpdir(), 'anything'), 'Directory'), undefined);
  assert.equal(fileRootProblem('data/in', 'Directory'), undefined);
  process.env[FILE_ROOTS_ENV] = ['/srv/a', '', '/srv/b'].join(path.delimiter);
  assert.deepEqual(fileRoots(), ['/srv/a', '/srv/b'], 'separated by the path delimiter; empty entries ignored');
});

test('a path inside a root passes, existing or not; a root itself passes', () => {
  assert.equal(fileRootProblem(allowed, 'Directory'), undefined);
  assert.equal(fileRootProblem(path.join(allowed, 'not', 'yet', 'made'), 'Directory'), undefined);
  assert.equal(confinedPath(path.join(allowed, 'x'), 'Directory'), path.join(allowed, 'x'));
  assert.equal(fileRootProblem('done', 'Done directory', { relativeTo: allowed }), undefined);
  assert.match(fileRootProblem('../outside/done', 'Done directory', { relativeTo: allowed })!, new RegExp(`^Done directory ${outside}/done is outside`));
});

test('.. cannot climb out of a root', () => {
  const climbing = `${allowed}/sub/../../outside`;
  assert.equal(
    fileRootProblem(climbing, 'Directory'),
    `Directory ${outside} is outside the allowed file roots (${allowed}); set ${FILE_ROOTS_ENV} to allow it`,
  );
  assert.equal(fileRootProblem(`${allowed}/sub/../inner`, 'Directory'), undefined, '.. that stays inside is fine');
});

test('a symlink inside a root that points outside is followed, also to paths below it that do not exist yet', () => {
  const link = path.join(allowed, 'escape');
  symlinkSync(outside, link);
  assert.match(fileRootProblem(link, 'Directory')!, new RegExp(`^Directory ${link} \\(really ${outside}\\) is outside the allowed file roots`));
  assert.match(fileRootProblem(path.join(link, 'new', 'file.duckdb'), 'Database file')!, /^Database file .* is outside/);
  // a dangling link: writing through it would create its target, outside
  const dangling = path.join(allowed, 'dangling');
  symlinkSync(path.join(outside, 'missing.duckdb'), dangling);
  assert.match(fileRootProblem(dangling, 'Database file')!, new RegExp(`really ${outside}/missing\\.duckdb\\) is outside`));
  // and a symlink pointing inside is fine
  const inward = path.join(outside, 'inward');
  symlinkSync(allowed, inward);
  assert.equal(fileRootProblem(inward, 'Directory'), undefined);
});

test('a sibling that shares the root as a prefix is not inside it', () => {
  mkdirSync(`${allowed}-evil`);
  assert.match(fileRootProblem(`${allowed}-evil`, 'Directory')!, /is outside the allowed file roots/);
  assert.match(fileRootProblem(`${allowed}-evil/x`, 'Directory')!, /is outside the allowed file roots/);
});

test('relative paths are resolved from the working directory', () => {
  process.chdir(allowed);
  try {
    assert.equal(fileRootProblem('in/orders', 'Directory'), undefined);
    assert.match(fileRootProblem('../outside', 'Directory')!, new RegExp(`^Directory ${outside} is outside`));
  } finally {
    process.chdir(startDir);
  }
});

test('a root reached through a symlink allows what is below its real location', () => {
  const viaLink = path.join(base, 'roots-link');
  symlinkSync(allowed, viaLink);
  process.env[FILE_ROOTS_ENV] = viaLink;
  assert.equal(fileRootProblem(path.join(allowed, 'x'), 'Directory'), undefined);
  assert.equal(fileRootProblem(path.join(viaLink, 'x'), 'Directory'), undefined);
});

test('at use, a path outside throws an error that keeps the records waiting (transient); an unusable path is a message', () => {
  assert.throws(
    () => confinedPath(outside, 'Directory'),
    (error) => error instanceof OutsideFileRootsError && isTransient(error) && /is outside the allowed file roots/.test(error.message),
  );
  assert.match(fileRootProblem(`${allowed}/a\0b`, 'Directory')!, /cannot be checked against the allowed file roots/);
});
