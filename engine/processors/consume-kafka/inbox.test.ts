import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KafkaMessage } from 'kafkajs';
import { Inbox } from './inbox';

const message = (offset: number) => ({ offset: String(offset), key: null, value: Buffer.from('{}'), timestamp: '0', attributes: 0, headers: {} }) as KafkaMessage;

test('a handed-over delivery frees its room at once, but its offsets wait for settle (the disk)', () => {
  const inbox = new Inbox(4);
  for (let offset = 0; offset < 4; offset++) assert.equal(inbox.offer('t', 0, message(offset)), 'accepted');
  assert.equal(inbox.offer('t', 0, message(4)), 'full');
  const first = inbox.take(2);
  inbox.handOver(first);
  assert.equal(inbox.held, 2, 'the handed-over messages are the flow’s records now');
  assert.equal(inbox.offer('t', 0, message(4)), 'accepted');
  assert.equal(inbox.offer('t', 0, message(5)), 'accepted');
  assert.equal(inbox.offer('t', 0, message(6)), 'full');

  const second = inbox.take(2);
  inbox.handOver(second);
  // the second is durable before the first: nothing may be committed past the first's offsets
  assert.deepEqual(inbox.settle(second), [{ topic: 't', partition: 0, offset: '0' }]);
  // then the first: up to the messages still buffered (4 and 5)
  assert.deepEqual(inbox.settle(first), [{ topic: 't', partition: 0, offset: '4' }]);
  assert.equal(inbox.held, 2);
});

test('a rolled-back delivery comes back first even after it was handed over', () => {
  const inbox = new Inbox(10);
  for (let offset = 0; offset < 3; offset++) inbox.offer('t', 0, message(offset));
  const delivery = inbox.take(2);
  inbox.handOver(delivery);
  inbox.restore(delivery);
  assert.equal(inbox.held, 3);
  assert.deepEqual(inbox.take(10).entries.map((e) => Number(e.offset)), [0, 1, 2]);
});

test('at most four capacities of handed-over messages wait for the disk; beyond, a delivery keeps its room', () => {
  const inbox = new Inbox(4);
  let offset = 0;
  const handed = [];
  for (let round = 0; round < 4; round++) {
    while (inbox.offer('t', 0, message(offset)) === 'accepted') offset++;
    const delivery = inbox.take(4);
    inbox.handOver(delivery);
    handed.push(delivery);
  }
  assert.equal(inbox.held, 0, 'four capacities handed over');
  while (inbox.offer('t', 0, message(offset)) === 'accepted') offset++;
  const fifth = inbox.take(4);
  inbox.handOver(fifth);
  assert.equal(inbox.held, 4, 'the fifth keeps its room: 16 + 4 would pass four capacities');
  for (const delivery of handed) inbox.settle(delivery);
  inbox.settle(fifth);
  assert.equal(inbox.held, 0);
});
