import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { inferSchema } from '../../records/schema';
import { withFileRoots } from '../../testing/file-roots';
import { runProcessor } from '../../testing/run-processor';
import { until } from '../../testing/until';
import getFile from '../get-file/runtime';
import putFile from './runtime';
import { putFileSpec } from './spec';

const root = mkdtempSync(path.join(tmpdir(), 'conflux-put-file-'));
after(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
function freshDirectory(): string {
  const dir = path.join(root, `d${dirs++}`);
  mkdirSync(dir);
  return dir;
}

const visible = (dir: string) => readdirSync(dir).filter((name) => !name.startsWith('.')).sort();
const hidden = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('.'));
const orders = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ id: from + i, sku: `PF-${from + i}`, note: 'a, "b"\nc' }));

test('rolls by record count, writing under a hidden name and renaming, and flushes the last file on stop', async () => {
  const dir = freshDirectory();
  const run = runProcessor(putFile).props({ directory: dir, format: 'csv', maxRecords: 250, maxAgeMs: 0, filename: 'orders-{seq}.{ext}' }).batch(100);
  run.enqueue(orders(0, 100));
  await run.run();
  assert.deepEqual(visible(dir), [], 'a file being written is not visible under its final name');
  assert.equal(hidden(dir).length, 1);
  run.enqueue(orders(100, 500));
  await run.run(5);
  assert.equal(run.routed('success').length, 600);
  assert.deepEqual(visible(dir), ['orders-000001.csv', 'orders-000002.csv'], 'two full files of 250; the last 100 still being written');
  await run.stop();
  assert.deepEqual(visible(dir), ['orders-000001.csv', 'orders-000002.csv', 'orders-000003.csv']);
  assert.deepEqual(hidden(dir), [], 'nothing left behind');
  const read = await runProcessor(getFile).props({ directory: dir, minAgeMs: 0, after: 'keep' }).batch(10_000).run(3);
  assert.deepEqual(read.routed('success').map((r) => r.content), orders(0, 600));
  assert.deepEqual(read.routed('success').map((r) => r.attributes.filename).filter((n, i, all) => all.indexOf(n) === i), visible(dir));
  assert.equal(readFileSync(path.join(dir, 'orders-000001.csv'), 'utf8').split('\n')[0], 'id,sku,note');
});

test('CSV: a record with a new field rolls the file; the next one has the merged header. Non-objects fail', async () => {
  const dir = freshDirectory();
  const run = runProcessor(putFile).props({ directory: dir, format: 'csv', maxAgeMs: 0, filename: 'f-{seq}.{ext}' });
  await run.enqueue([{ a: 1 }, { a: 2 }]).run();
  await run.enqueue([{ a: 3, b: true }, 'not an object']).run();
  await run.stop();
  assert.deepEqual(
    visible(dir).map((name) => readFileSync(path.join(dir, name), 'utf8')),
    ['a\n1\n2\n', 'a,b\n3,true\n'],
  );
  assert.match(run.routed('failure')[0].attributes['error.message'], /csv files hold object records, got string/);
});

test('Parquet: written through DuckDB on roll, read back by GetFile with the same values and types', async () => {
  const dir = freshDirectory();
  const records = [
    { id: 1, price: 39.5, sku: 'PF-110', paid: true, at: '2026-08-01T10:00:00.000Z', tags: ['a'], note: null },
    { id: 2 ** 40, price: 2, sku: 'PF-490', paid: false, at: '2026-08-01T10:00:01.250Z', tags: { k: [1] }, note: 'x' },
    { id: 3, price: 0.1, sku: 'PF-150', paid: true, at: '2026-08-02T00:00:00.000Z', tags: [], note: null },
  ];
  const run = runProcessor(putFile).props({ directory: dir, format: 'parquet', maxRecords: 2, maxAgeMs: 0, filename: 'p-{seq}.{ext}' });
  await run.enqueue(records).run();
  assert.deepEqual(visible(dir), ['p-000001.parquet'], 'the first two rolled; the third waits in DuckDB');
  await run.stop();
  assert.deepEqual(visible(dir), ['p-000001.parquet', 'p-000002.parquet']);
  assert.deepEqual(hidden(dir), [], 'the staging database is removed on stop');
  const read = await runProcessor(getFile).props({ directory: dir, minAgeMs: 0 }).run(2);
  await read.stop();
  const back = read.routed('success').map((r) => r.content);
  assert.deepEqual(back, records);
  assert.deepEqual(inferSchema(back), inferSchema(records));
});

test('Parquet: a batch where a field is only null neither rolls the file nor retypes the column', async () => {
  const dir = freshDirectory();
  const run = runProcessor(putFile).props({ directory: dir, format: 'parquet', maxAgeMs: 0 });
  await run.enqueue([{ id: 1, v: 'a' }]).run();
  await run.enqueue([{ id: null, v: 'b' }]).run();
  await run.stop();
  assert.equal(visible(dir).length, 1);
  const read = await runProcessor(getFile).props({ directory: dir, minAgeMs: 0 }).run();
  await read.stop();
  assert.deepEqual(read.routed('success').map((r) => r.content), [{ id: 1, v: 'a' }, { id: null, v: 'b' }]);
});

test('after a crash, a file is cut back to its committed records and published; a batch written but not committed is gone', async () => {
  const dir = freshDirectory();
  const props = { directory: dir, format: 'jsonl', maxAgeMs: 0, filename: 'e-{seq}.{ext}' };
  const crashed = runProcessor(putFile).props(props);
  await crashed.enqueue([{ n: 1 }, { n: 2 }]).run();
  // the process dies while writing the next batch: its bytes are in the file, its session never committed
  const [temp] = hidden(dir);
  appendFileSync(path.join(dir, temp), '{"n":3}\n{"n":');
  const restarted = runProcessor(putFile).props(props).withState(crashed.stateStore);
  await restarted.enqueue([{ n: 3 }]).run();
  assert.deepEqual(visible(dir), ['e-000001.jsonl']);
  assert.equal(readFileSync(path.join(dir, 'e-000001.jsonl'), 'utf8'), '{"n":1}\n{"n":2}\n');
  await restarted.stop();
  assert.equal(readFileSync(path.join(dir, 'e-000002.jsonl'), 'utf8'), '{"n":3}\n');
});

test('a file rolls when it reaches its maximum age, without more records coming', async () => {
  const dir = freshDirectory();
  const run = runProcessor(putFile).props({ directory: dir, format: 'json', maxAgeMs: 50 });
  await run.enqueue([{ a: 1 }, 'two']).run();
  await until(() => visible(dir).length === 1);
  assert.deepEqual(JSON.parse(readFileSync(path.join(dir, visible(dir)[0]), 'utf8')), [{ a: 1 }, 'two']);
  assert.match(visible(dir)[0], /^records-\d{8}T\d{9}Z-000001\.json$/);
  await run.stop();
});

// ---- confined to the file roots ----

const allowedRoot = path.join(realpathSync(root), 'allowed');
const outsideRoot = path.join(realpathSync(root), 'outside');
mkdirSync(allowedRoot);
mkdirSync(outsideRoot);

test('an output directory outside the file roots is refused by validation, with the roots named', async () => {
  const issues = (directory: string) => putFileSpec.validate!(putFileSpec.properties.parse({ directory }));
  await withFileRoots([allowedRoot], () => {
    assert.deepEqual(issues('/etc'), [
      { property: 'directory', message: `Directory /etc is outside the allowed file roots (${allowedRoot}); set CONFLUX_FILE_ROOTS to allow it` },
    ]);
    assert.match(issues(`${allowedRoot}/../outside`)[0].message, new RegExp(`^Directory ${outsideRoot} is outside`));
    assert.deepEqual(issues(path.join(allowedRoot, 'out')), []);
  });
});

test('outside the file roots it does not start; a symlink that leads out later fails the batch, which waits in its queue', async () => {
  await withFileRoots([allowedRoot], async () => {
    await assert.rejects(runProcessor(putFile).props({ directory: outsideRoot }).run(), new RegExp(`start failed: Directory ${outsideRoot} is outside the allowed file roots`));

    const out = path.join(allowedRoot, 'out');
    const run = await runProcessor(putFile).props({ directory: out, format: 'jsonl', maxAgeMs: 0 }).run();
    renameSync(out, `${out}.old`);
    symlinkSync(outsideRoot, out);
    await run.enqueue([{ n: 1 }]).run();
    assert.equal(run.routed('success').length, 0);
    assert.equal(run.queued, 1, 'the record waits for the directory to be fixed');
    assert.match(run.status.bulletins.at(-1)!.message, new RegExp(`^Directory ${out} \\(really ${outsideRoot}\\) is outside the allowed file roots`));
    assert.deepEqual(readdirSync(outsideRoot), [], 'nothing written through the symlink');
    await run.stop();
  });
});
