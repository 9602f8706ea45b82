import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isoFromMicros, toBoolean, toDouble, toInteger, toJsonText, toText, toTimestampMicros } from './convert';

test('numbers convert where nothing is lost, and only then', () => {
  assert.equal(toInteger(42), 42);
  assert.equal(toInteger('-17'), -17);
  assert.equal(toInteger('9223372036854775807'), 9223372036854775807n, 'beyond 2^53 stays exact as a bigint');
  assert.equal(toInteger('9223372036854775808'), undefined, 'beyond int64');
  for (const bad of [1.5, 'abc', '1.0', '', true, null, [1]]) assert.equal(toInteger(bad), undefined, String(bad));
  assert.equal(toDouble(39), 39);
  assert.equal(toDouble('2.5e3'), 2500);
  for (const bad of ['abc', '', Number.NaN, Infinity, false]) assert.equal(toDouble(bad), undefined, String(bad));
  assert.equal(toBoolean('true'), true);
  assert.equal(toBoolean(1), undefined);
});

test('text and JSON: scalars spelled out, objects as JSON', () => {
  assert.equal(toText(12), '12');
  assert.equal(toText({ a: 1 }), '{"a":1}');
  assert.equal(toJsonText('abc'), '"abc"');
});

test('timestamps: ISO 8601 with or without zone (UTC then), fractions to the microsecond', () => {
  const at = (s: string) => toTimestampMicros(s);
  assert.equal(at('2026-08-01T10:00:00.000Z'), BigInt(Date.UTC(2026, 7, 1, 10)) * 1000n);
  assert.equal(at('2026-08-01 10:00'), at('2026-08-01T10:00:00Z'), 'no zone is UTC');
  assert.equal(at('2026-08-01T12:00:00+0200'), at('2026-08-01T10:00:00Z'));
  assert.equal(at('2026-08-01T10:00:00.123456Z')! - at('2026-08-01T10:00:00Z')!, 123456n);
  assert.equal(at('yesterday'), undefined);
  assert.equal(toTimestampMicros(1754000000000), undefined, 'a number is ambiguous (s or ms)');
  assert.equal(isoFromMicros(at('2026-08-01T10:00:00.123456Z')!), '2026-08-01T10:00:00.123456Z');
  assert.equal(isoFromMicros(-1n), '1969-12-31T23:59:59.999999Z');
});
