import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRecord } from '../sdk/record';
import { Connection, sizesOf, type ConnectionSettings } from './connection';

const config = { id: 'c', sourceId: 'a', relationship: 'success', targetId: 'b' };
const settings = (countThreshold: number, bytesThreshold: number, more: Partial<ConnectionSettings> = {}): ConnectionSettings => ({
  countThreshold,
  bytesThreshold,
  prioritizer: 'FIFO',
  expirationMs: 0,
  ...more,
});
const records = (n: number, content: unknown = { v: 1 }) => Array.from({ length: n }, () => createRecord(content));

test('back pressure engages at the count threshold and releases below it', () => {
  const c = new Connection(config, settings(10, 1e9));
  c.offer(records(9));
  assert.equal(c.isFull, false);
  c.offer(records(1));
  assert.equal(c.isFull, true);
  assert.equal(c.percent, 100);
  c.poll(1);
  assert.equal(c.isFull, false);
  assert.equal(c.size, 9);
});

test('back pressure engages at the byte threshold', () => {
  const big = 'x'.repeat(1000);
  const c = new Connection(config, settings(1000, 5000));
  c.offer(records(4, big));
  assert.equal(c.isFull, false);
  c.offer(records(1, big));
  assert.equal(c.isFull, true);
  assert.ok(c.bytes >= 5000);
  c.poll(5);
  assert.equal(c.bytes, 0);
});

test('poll is FIFO and requeue puts records back at the head in order', () => {
  const c = new Connection(config, settings(100, 1e9));
  const batch = records(5);
  c.offer(batch);
  const taken = c.poll(3);
  assert.deepEqual(taken.records.map((r) => r.id), batch.slice(0, 3).map((r) => r.id));
  c.requeue(taken);
  assert.deepEqual(c.poll(10).records.map((r) => r.id), batch.map((r) => r.id));
});

test('offer wakes the consumer', () => {
  let woken = 0;
  const c = new Connection(config, settings(100, 1e9), () => woken++);
  c.offer([]);
  assert.equal(woken, 0);
  c.offer(records(2));
  assert.equal(woken, 1);
});

const withAttributes = (attributes: Record<string, string>, entryTime = Date.now()) => createRecord({}, attributes, [], entryTime);

test('prioritizers: oldest first, newest first, and the priority attribute (numbers numerically, missing last)', () => {
  const old = withAttributes({ n: 'old' }, 1000);
  const mid = withAttributes({ n: 'mid' }, 2000);
  const young = withAttributes({ n: 'young' }, 3000);
  const order = (c: Connection) => c.poll(10).records.map((r) => r.attributes.n);

  const oldest = new Connection(config, settings(100, 1e9, { prioritizer: 'OLDEST_FIRST' }));
  oldest.offer([mid, young, old]);
  assert.deepEqual(order(oldest), ['old', 'mid', 'young']);

  const newest = new Connection(config, settings(100, 1e9, { prioritizer: 'NEWEST_FIRST' }));
  newest.offer([mid, old, young]);
  assert.deepEqual(order(newest), ['young', 'mid', 'old']);

  const byPriority = new Connection(config, settings(100, 1e9, { prioritizer: 'PRIORITY_ATTRIBUTE' }));
  byPriority.offer([
    withAttributes({ n: 'none' }),
    withAttributes({ n: 'ten', priority: '10' }),
    withAttributes({ n: 'two', priority: '2' }),
    withAttributes({ n: 'two-again', priority: '2' }),
  ]);
  assert.deepEqual(order(byPriority), ['two', 'two-again', 'ten', 'none'], 'ties keep arrival order');
});

test('a rolled-back batch comes out first again under a prioritizer too', () => {
  const c = new Connection(config, settings(100, 1e9, { prioritizer: 'PRIORITY_ATTRIBUTE' }));
  c.offer([withAttributes({ n: 'a', priority: '1' }), withAttributes({ n: 'b', priority: '1' }), withAttributes({ n: 'c', priority: '1' })]);
  const taken = c.poll(2);
  c.requeue(taken);
  assert.deepEqual(c.poll(10).records.map((r) => r.attributes.n), ['a', 'b', 'c']);
});

test('changing the prioritizer re-orders what is queued', () => {
  const c = new Connection(config, settings(100, 1e9));
  c.offer([withAttributes({ n: 'young' }, 3000), withAttributes({ n: 'old' }, 1000)]);
  c.configure(settings(100, 1e9, { prioritizer: 'OLDEST_FIRST' }));
  assert.deepEqual(c.poll(10).records.map((r) => r.attributes.n), ['old', 'young']);
});

test('expired records are removed, counted and never handed out', () => {
  const now = Date.now();
  const c = new Connection(config, settings(100, 1e9, { expirationMs: 1000 }));
  c.offer([withAttributes({ n: 'stale' }, now - 5000), withAttributes({ n: 'fresh' }, now)]);
  assert.deepEqual(c.poll(10, now).records.map((r) => r.attributes.n), ['fresh']);
  assert.equal(c.expired, 1);
  c.offer([withAttributes({ n: 'stale' }, now - 5000)]);
  assert.equal(c.expire(now).length, 1, 'a sweep removes them without a consumer');
  assert.equal(c.size, 0);
  assert.equal(c.bytes, 0);
  assert.equal(c.status(now).expired, 2);
});

test('time in queue: p50/p99 of dequeued records and the oldest waiting', () => {
  const c = new Connection(config, settings(1000, 1e9));
  for (let i = 0; i < 100; i++) c.offer(records(1), 10_000 + i);
  assert.equal(c.status(10_500).oldestMs, 500);
  c.poll(100, 11_000);
  const status = c.status(11_000);
  assert.ok(status.waitP50Ms >= 940 && status.waitP50Ms <= 960, `p50 ${status.waitP50Ms}`);
  assert.ok(status.waitP99Ms >= 990 && status.waitP99Ms <= 1000, `p99 ${status.waitP99Ms}`);
  assert.equal(status.oldestMs, 0);
});

test('sizes: small batches record by record, large ones from samples; bytes balance to zero', () => {
  const small = [createRecord('x'.repeat(10)), createRecord('x'.repeat(1000))];
  assert.deepEqual(sizesOf(small), [12, 1002]);
  const large = Array.from({ length: 1000 }, (_, i) => createRecord({ text: 'y'.repeat(100), i }));
  // one size stands for every record of a large batch
  const size = sizesOf(large);
  assert.ok(typeof size === 'number' && size > 100 && size < 140, `estimated ${size}`);
  const c = new Connection(config, settings(10_000, 1e9));
  c.offer(large);
  c.offer(small);
  assert.equal(c.bytes, size * 1000 + 12 + 1002);
  // a poll across both batches, a requeue of it, and a split of it: the bytes still balance
  const taken = c.poll(1001);
  assert.equal(taken.records.length, 1001);
  assert.equal(c.bytes, 1002);
  c.requeue(taken);
  assert.equal(c.bytes, size * 1000 + 12 + 1002);
  c.requeue(c.poll(500));
  c.poll(700);
  assert.equal(c.bytes, size * 300 + 12 + 1002);
  c.poll(Infinity);
  assert.equal(c.bytes, 0);
});

test('a poll across offered batches gathers into a new array: the arrays offered are left as they were', () => {
  const c = new Connection(config, settings(10_000, 1e9));
  const first = records(20);
  const second = records(30);
  c.offer(first, 1000);
  c.offer(second, 2000);
  const taken = c.poll(50, 3000);
  assert.equal(taken.records.length, 50);
  assert.deepEqual([first.length, second.length], [20, 30]);
  assert.deepEqual([taken.records[0], taken.records[20]], [first[0], second[0]]);
  assert.deepEqual([0, 19, 20, 49].map((i) => (typeof taken.enqueuedAt === 'number' ? taken.enqueuedAt : taken.enqueuedAt[i])), [1000, 1000, 2000, 2000]);
});

test('the oldest wait counts records behind the head too (retried ones go back to the head, younger)', () => {
  const c = new Connection(config, settings(10_000, 1e9));
  c.offer(records(5), 1000);
  const taken = c.poll(2, 1500);
  c.requeue({ ...taken, enqueuedAt: 1500 });
  assert.equal(c.status(2000).oldestMs, 1000);
});
