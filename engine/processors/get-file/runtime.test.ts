import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { DuckDB, quoteLiteral } from '../../formats/parquet';
import { withFileRoots } from '../../testing/file-roots';
import { runProcessor } from '../../testing/run-processor';
import getFile from './runtime';
import { getFileSpec } from './spec';

const root = mkdtempSync(path.join(tmpdir(), 'conflux-get-file-'));
after(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
/** A fresh directory with these files, all older than any minimum age used here. */
function directoryWith(files: Record<string, string>): string {
  const dir = path.join(root, `d${dirs++}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFile(dir, name, text, Date.now() - 60_000);
  return dir;
}

function writeFile(dir: string, name: string, text: string, mtimeMs: number): void {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  utimesSync(file, mtimeMs / 1000, mtimeMs / 1000);
}

test('a big CSV is read a batch per trigger, and a restart mid-file resumes without loss or duplicates', async () => {
  const rows = Array.from({ length: 5000 }, (_, i) => `${i},"name ${i}\nsecond line",${i % 2 === 0}`);
  const dir = directoryWith({ 'orders.csv': `id,name,even\n${rows.join('\n')}\n` });
  const props = { directory: dir, pattern: '*.csv', after: 'move' };

  const first = runProcessor(getFile).props(props).batch(700);
  await first.run(3);
  await first.stop();
  const before = first.routed('success');
  assert.equal(before.length, 2100, 'three triggers of 700');

  // a new processor instance (a restart) with the committed state
  const second = runProcessor(getFile).props(props).batch(700).withState(first.stateStore);
  await second.run(6);
  await second.stop();
  const all = [...before, ...second.routed('success')];
  assert.deepEqual(all.map((r) => (r.content as { id: number }).id), Array.from({ length: 5000 }, (_, i) => i));
  assert.deepEqual(all[4999].content, { id: 4999, name: 'name 4999\nsecond line', even: false });
  assert.deepEqual(all[2100].attributes, { filename: 'orders.csv', path: path.join(dir, 'orders.csv'), 'file.format': 'csv', 'record.index': '2100' });
  // read to the end: moved to done/ once committed
  assert.ok(!existsSync(path.join(dir, 'orders.csv')));
  assert.ok(existsSync(path.join(dir, 'done', 'orders.csv')));
});

test('a Parquet file resumes at its row after a restart', async () => {
  const dir = directoryWith({});
  const db = await DuckDB.open();
  await db.connection.run(`COPY (SELECT range AS n, 'r' || range AS s FROM range(2500)) TO ${quoteLiteral(path.join(dir, 'rows.parquet'))} (FORMAT parquet)`);
  db.close();
  const props = { directory: dir, minAgeMs: 0, after: 'keep' };
  const first = await runProcessor(getFile).props(props).batch(1000).run();
  await first.stop();
  const second = await runProcessor(getFile).props(props).batch(1000).withState(first.stateStore).run(3);
  await second.stop();
  const all = [...first.routed('success'), ...second.routed('success')];
  assert.deepEqual(all.map((r) => r.content), Array.from({ length: 2500 }, (_, n) => ({ n, s: `r${n}` })));
  assert.equal(all[1500].attributes['record.index'], '1500');
});

test('a JSON lines file with a bad line: that line goes to parse.failure with its text and reason, the rest to success', async () => {
  const dir = directoryWith({ 'events.jsonl': '{"n":1}\n{"n":2,}\n\n{"n":3}\n', 'ignored.txt': 'not read' });
  const run = await runProcessor(getFile).props({ directory: dir, after: 'delete' }).run();
  assert.deepEqual(run.routed('success').map((r) => r.content), [{ n: 1 }, { n: 3 }]);
  const [failed] = run.routed('parse.failure');
  assert.equal(failed.content, '{"n":2,}');
  assert.equal(failed.attributes['record.line'], '2');
  assert.match(failed.attributes['error.message'], /^line 2: not JSON: /);
  assert.deepEqual(readdirSync(dir), ['ignored.txt'], 'read files are deleted; other extensions are ignored in auto mode');
});

test('minimum age: a fresh file is skipped (the processor yields) until it is old enough', async () => {
  const dir = directoryWith({});
  writeFile(dir, 'fresh.json', '[{"a":1},{"a":2}]', Date.now());
  const run = runProcessor(getFile).props({ directory: dir, minAgeMs: 30_000, after: 'keep' });
  await run.run();
  assert.equal(run.routed('success').length, 0);
  writeFile(dir, 'fresh.json', '[{"a":1},{"a":2}]', Date.now() - 31_000);
  await run.run();
  assert.deepEqual(run.routed('success').map((r) => r.content), [{ a: 1 }, { a: 2 }]);
});

test('keep: read files are remembered across restarts, and read again only when they change', async () => {
  const dir = directoryWith({ 'a.csv': 'x\n1\n', 'b.csv': 'x\n2\n' });
  const props = { directory: dir, after: 'keep' };
  const first = await runProcessor(getFile).props(props).run(2);
  await first.stop();
  assert.deepEqual(first.routed('success').map((r) => r.content), [{ x: 1 }, { x: 2 }]);
  const second = await runProcessor(getFile).props(props).withState(first.stateStore).run(2);
  assert.equal(second.routed('success').length, 0, 'nothing read twice after a restart');
  writeFile(dir, 'a.csv', 'x\n1\n3\n', Date.now() - 10_000);
  await second.run();
  assert.deepEqual(second.routed('success').map((r) => r.content), [{ x: 1 }, { x: 3 }]);
  await second.stop();
});

test('a file that is not in its format is one parse.failure and stays where it is', async () => {
  const dir = directoryWith({ 'broken.parquet': 'this is not parquet', 'ok.jsonl': '1\n' });
  const run = await runProcessor(getFile).props({ directory: dir }).run();
  await run.stop();
  const [failed] = run.routed('parse.failure');
  assert.equal(failed.content, null);
  assert.match(failed.attributes['error.message'], /broken\.parquet is not a readable Parquet file/);
  assert.deepEqual(run.routed('success').map((r) => r.content), [1]);
  assert.ok(existsSync(path.join(dir, 'broken.parquet')));
  assert.ok(existsSync(path.join(dir, 'done', 'ok.jsonl')));
});

// ---- confined to the file roots ----

const allowedRoot = path.join(realpathSync(root), 'allowed');
const outsideRoot = path.join(realpathSync(root), 'outside');
mkdirSync(allowedRoot);
mkdirSync(outsideRoot);
const outsideMessage = (what: string, shown: string) => `${what} ${shown} is outside the allowed file roots (${allowedRoot}); set CONFLUX_FILE_ROOTS to allow it`;

test('a directory or done directory outside the file roots is refused by validation, with the roots named', async () => {
  const issues = (props: Record<string, unknown>) => getFileSpec.validate!(getFileSpec.properties.parse(props));
  await withFileRoots([allowedRoot], () => {
    assert.deepEqual(issues({ directory: '/etc' }), [{ property: 'directory', message: outsideMessage('Directory', '/etc') }]);
    assert.deepEqual(issues({ directory: `${allowedRoot}/in/../../outside` }), [{ property: 'directory', message: outsideMessage('Directory', outsideRoot) }]);
    const escapingDone = { directory: path.join(allowedRoot, 'in'), doneDirectory: '../../outside/done' };
    assert.deepEqual(issues(escapingDone), [{ property: 'doneDirectory', message: outsideMessage('Done directory', path.join(outsideRoot, 'done')) }]);
    assert.deepEqual(issues({ ...escapingDone, after: 'keep' }), [], 'the done directory only matters when files are moved');
    assert.deepEqual(issues({ directory: path.join(allowedRoot, 'in') }), []);
  });
});

test('outside the file roots it does not start; a symlink that leads out later fails the trigger with a bulletin', async () => {
  writeFile(outsideRoot, 'secret.jsonl', '{"secret":true}\n', Date.now() - 60_000);
  await withFileRoots([allowedRoot], async () => {
    await assert.rejects(runProcessor(getFile).props({ directory: outsideRoot }).run(), new RegExp(`start failed: Directory ${outsideRoot} is outside the allowed file roots`));

    const watched = path.join(allowedRoot, 'watched');
    mkdirSync(watched);
    const run = await runProcessor(getFile).props({ directory: watched, minAgeMs: 0 }).run();
    renameSync(watched, `${watched}.old`);
    symlinkSync(outsideRoot, watched);
    await run.run();
    assert.equal(run.routed('success').length, 0, 'nothing read through the symlink');
    assert.match(run.status.bulletins.at(-1)!.message, new RegExp(`^Directory ${watched} \\(really ${outsideRoot}\\) is outside the allowed file roots`));
    assert.ok(existsSync(path.join(outsideRoot, 'secret.jsonl')), 'nor moved');
    await run.stop();
  });
});
