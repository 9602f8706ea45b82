import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { inferSchema } from '../records/schema';
import { isFailure, START, type Cursor, type Decoded } from './codec';
import { decodeText, encodeText, readTextFile, textCodec } from './text';

const dir = mkdtempSync(path.join(tmpdir(), 'conflux-formats-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const values = (items: Decoded[]) => items.map((item) => (isFailure(item) ? { failed: item.error } : item.value));

test('CSV round trip keeps quotes, newlines, delimiters and types', () => {
  const rows = [
    { id: 1, name: 'say "hi"\nthere', price: 39.5, paid: true, note: null, code: '42', empty: '', at: '2026-08-01T10:00:00Z', zip: '02134' },
    { id: 2, name: 'a,b', price: -1e-7, paid: false, note: 'x', code: 'true', empty: ' ', at: '2026-08-01 10:00:01', zip: '10001' },
  ];
  const columns = Object.keys(rows[0]);
  const codec = textCodec('csv');
  const text = encodeText(codec, rows, columns);
  assert.deepEqual(values(decodeText(codec, text)), rows);
  assert.deepEqual(inferSchema(values(decodeText(codec, text))).fields.map((f) => f.type), inferSchema(rows).fields.map((f) => f.type));
  // typed: false keeps the text as it is
  const strings = values(decodeText(textCodec('csv', { typed: false }), text)) as Record<string, unknown>[];
  assert.deepEqual([strings[0].id, strings[0].paid, strings[0].note], ['1', 'true', '']);
});

test('CSV: a row with the wrong field count or an unclosed quote fails alone, with its line; CRLF endings', () => {
  // the quote opened on line 6 never closes: that line fails and reading goes on after it
  const text = 'a,b\n1,2\n3\n5,6\r\n\n7,"8"x\n"x,4\n9,10';
  const items = decodeText(textCodec('csv'), text);
  assert.deepEqual(
    items.map((i) => [i.index, i.line, isFailure(i) ? `FAIL ${i.raw.trim()}` : i.value]),
    [
      [0, 2, { a: 1, b: 2 }],
      [1, 3, 'FAIL 3'],
      [2, 4, { a: 5, b: 6 }],
      [3, 6, { a: 7, b: '"8"x' }], // a quote inside an unquoted field is kept (relaxed, as most tools)
      [4, 7, 'FAIL "x,4'],
      [5, 8, { a: 9, b: 10 }],
    ],
  );
  const unclosed = items[4];
  assert.ok(isFailure(unclosed) && /not closed/.test(unclosed.error));
});

test('JSON lines: a bad line is a failure with its line number; blank lines are skipped', () => {
  const items = decodeText(textCodec('jsonl'), '{"a":1}\n\n{"a":\n[1,2]\n"s"');
  assert.deepEqual(values(items).map((v) => (typeof v === 'object' && v && 'failed' in v ? 'failed' : v)), [{ a: 1 }, 'failed', [1, 2], 's']);
  const bad = items[1];
  assert.ok(isFailure(bad));
  assert.equal(bad.line, 3);
  assert.equal(bad.raw, '{"a":');
  assert.match(bad.error, /^not JSON: /);
});

test('JSON: array elements one by one, a bad element alone fails; a single value is one item', () => {
  const codec = textCodec('json');
  const items = decodeText(codec, '[\n {"a": "x,]}"},\n {"b": },\n [1, {"c": [2]}], 3\n]\n');
  assert.deepEqual(values(items).map((v) => (typeof v === 'object' && v && 'failed' in v ? 'failed' : v)), [{ a: 'x,]}' }, 'failed', [1, { c: [2] }], 3]);
  assert.equal(items[1].line, 3);
  assert.deepEqual(values(decodeText(codec, '{"one": true}')), [{ one: true }]);
  assert.deepEqual(values(decodeText(codec, '')), []);
  assert.deepEqual(values(decodeText(codec, encodeText(codec, [{ a: 1 }, 'b'], []))), [{ a: 1 }, 'b']);
  const truncated = decodeText(codec, '[1, 2');
  assert.deepEqual(values(truncated.slice(0, 2)), [1, 2]);
  assert.match((truncated[2] as { error?: string }).error ?? '', /no closing/);
});

test('a file is read in batches from a cursor, across chunk boundaries, to the same items', async () => {
  for (const format of ['csv', 'jsonl', 'json'] as const) {
    const codec = textCodec(format);
    const rows = Array.from({ length: 500 }, (_, i) => ({ n: i, text: `line ${i}\nwith "quotes", commas and ünïcödé` }));
    const file = path.join(dir, `big.${format}`);
    writeFileSync(file, encodeText(codec, rows, ['n', 'text']));
    const read: unknown[] = [];
    let cursor: Cursor = START;
    for (let done = false, guard = 0; !done && guard < 1000; guard++) {
      // a cursor kept as JSON (processor state) between batches; 100-byte chunks split records
      const batch = await readTextFile(file, codec, JSON.parse(JSON.stringify(cursor)), 37, 100);
      read.push(...values(batch.items));
      cursor = batch.cursor;
      done = batch.done;
    }
    assert.deepEqual(read, rows, format);
  }
});
