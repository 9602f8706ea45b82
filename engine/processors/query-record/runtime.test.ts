import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runProcessor } from '../../testing/run-processor';
import queryRecord from './runtime';
import { queryRecordSpec } from './spec';

const orders = [
  { orderId: 1, sku: 'PF-110', qty: 2, price: 39, ts: '2026-08-01T10:00:00Z' },
  { orderId: 2, sku: 'PF-490', qty: 5, price: 39, ts: '2026-08-01T11:00:00Z' },
  { orderId: 3, sku: 'PF-110', qty: 4, price: 39.5, ts: '2026-08-01T12:00:00Z' },
];

test('each named query routes its result rows to its relationship; the inputs go to original', async () => {
  const run = await runProcessor(queryRecord)
    .props({
      queries: {
        big: 'SELECT orderId, qty * price AS total FROM records WHERE qty * price > 100 ORDER BY orderId',
        by_sku: 'SELECT sku, sum(qty) AS qty, max(ts) AS latest FROM records GROUP BY sku ORDER BY sku',
      },
    })
    .enqueue(orders)
    .run();
  assert.deepEqual(run.routed('big').map((r) => r.content), [
    { orderId: 2, total: 195 },
    { orderId: 3, total: 158 },
  ]);
  assert.deepEqual(run.routed('by_sku').map((r) => r.content), [
    { sku: 'PF-110', qty: 6, latest: '2026-08-01T12:00:00.000Z' },
    { sku: 'PF-490', qty: 5, latest: '2026-08-01T11:00:00.000Z' },
  ]);
  assert.equal(run.routed('big')[0].attributes['query.name'], 'big');
  assert.deepEqual(run.routed('original').map((r) => r.content), orders);
  await run.stop();
});

test('nested values come back as JSON; a field missing from some records is NULL there', async () => {
  const run = await runProcessor(queryRecord)
    .props({ queries: { tagged: "SELECT id, tags, tags->>'$[0]' AS first, note FROM records WHERE tags IS NOT NULL ORDER BY id" } })
    .enqueue([{ id: 1, tags: ['gift', 'rush'] }, { id: 2 }, { id: 3, tags: ['x'], note: 'hi' }])
    .run();
  assert.deepEqual(run.routed('tagged').map((r) => r.content), [
    { id: 1, tags: ['gift', 'rush'], first: 'gift', note: null },
    { id: 3, tags: ['x'], first: 'x', note: 'hi' },
  ]);
  await run.stop();
});

test('SQL with a syntax error stops the processor at start, naming the query', async () => {
  const run = runProcessor(queryRecord).props({ queries: { big: 'SELEC * FROM records' } }).enqueue(orders);
  await assert.rejects(run.run(), /query "big": .*syntax error/);
});

test('a query that fails on the batch (unknown column) sends the batch to failure with the reason', async () => {
  const run = await runProcessor(queryRecord)
    .props({ queries: { big: 'SELECT * FROM records WHERE total > 100', all: 'SELECT * FROM records' } })
    .enqueue([...orders, 'not a row'])
    .run();
  const failures = run.routed('failure');
  assert.equal(failures.length, 4);
  assert.match(failures[0].attributes['error.message'], /query "big" failed: Binder Error: .*"total"/);
  assert.match(failures[3].attributes['error.message'], /content is an object/);
  assert.equal(run.routed('all').length, 0, 'no partial results from a failed batch');
  assert.equal(run.routed('original').length, 0);
  await run.stop();
});

test('queries cannot reach files: the database is the batch and nothing else', async () => {
  const run = await runProcessor(queryRecord).props({ queries: { leak: "SELECT * FROM read_text('/etc/hostname')" } }).enqueue(orders).run();
  assert.match(run.routed('failure')[0].attributes['error.message'], /query "leak" failed: .*(external access|disabled)/i);
  await run.stop();
});

test('query names are relationship names: words, not original or failure, at least one', () => {
  const issues = (queries: Record<string, string>) => queryRecordSpec.validate!(queryRecordSpec.properties.parse({ queries })).map((i) => i.message);
  assert.deepEqual(issues({}), ['add at least one query']);
  assert.deepEqual(issues({ original: 'SELECT 1', 'two words': 'SELECT 1' }), ['query name "original" is reserved', 'query name "two words" must be a word (it names a relationship)']);
});
