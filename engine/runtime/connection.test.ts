import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRecord } from '../sdk/record';
import { Connection } from './connection';

const config = { id: 'c', sourceId: 'a', relationship: 'success', targetId: 'b' };
const records = (n: number, content: unknown = { v: 1 }) => Array.from({ length: n }, () => createRecord(content));

test('back pressure engages at the count threshold and releases below it', () => {
  const c = new Connection(config, { countThreshold: 10, bytesThreshold: 1e9 });
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
  const c = new Connection(config, { countThreshold: 1000, bytesThreshold: 5000 });
  c.offer(records(4, big));
  assert.equal(c.isFull, false);
  c.offer(records(1, big));
  assert.equal(c.isFull, true);
  assert.ok(c.bytes >= 5000);
  c.poll(5);
  assert.equal(c.bytes, 0);
});

test('poll is FIFO and requeue puts records back at the head in order', () => {
  const c = new Connection(config, { countThreshold: 100, bytesThreshold: 1e9 });
  const batch = records(5);
  c.offer(batch);
  const taken = c.poll(3);
  assert.deepEqual(taken.map((r) => r.id), batch.slice(0, 3).map((r) => r.id));
  c.requeue(taken);
  assert.deepEqual(c.poll(10).map((r) => r.id), batch.map((r) => r.id));
});

test('offer wakes the consumer', () => {
  let woken = 0;
  const c = new Connection(config, { countThreshold: 100, bytesThreshold: 1e9 }, () => woken++);
  c.offer([]);
  assert.equal(woken, 0);
  c.offer(records(2));
  assert.equal(woken, 1);
});
