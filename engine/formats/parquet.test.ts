import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { inferSchema } from '../records/schema';
import { FormatError } from './codec';
import { DuckDB, ParquetReader, ParquetStaging, quoteLiteral } from './parquet';

const dir = mkdtempSync(path.join(tmpdir(), 'conflux-parquet-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rows = [
  { id: 1, price: 39.5, sku: 'PF-110', paid: true, at: '2026-08-01T10:00:00.000Z', tags: ['a', { b: 1 }], note: null },
  { id: 2 ** 40, price: 2, sku: 'it\'s "quoted"', paid: false, at: '2026-08-01T10:00:01.250Z', tags: { nested: [1, 2] }, note: 'x' },
];

test('Parquet written from staging reads back with the same values and types', async () => {
  const staging = await ParquetStaging.open(path.join(dir, 'staging.duckdb'));
  const reader = new ParquetReader();
  try {
    const schema = inferSchema(rows);
    await staging.create(7, schema);
    await staging.append(7, schema, rows, 0);
    await staging.append(7, schema, [{ ...rows[0], id: 3 }], 2);
    await staging.truncate(7, 2); // the last append was never confirmed
    const file = path.join(dir, 'out.parquet');
    await staging.copyTo(7, file);
    const { rows: back, done } = await reader.read(file, 0, 10);
    assert.ok(done);
    assert.deepEqual(back, rows);
    assert.deepEqual(inferSchema(back), schema, 'integers stay integers, timestamps stay timestamps');
    // the staging database knows its parts and their schemas (for recovery)
    const parts = await staging.parts();
    assert.deepEqual([...parts.keys()], [7]);
    assert.deepEqual(parts.get(7)!.fields.map((f) => [f.name, f.type]), schema.fields.map((f) => [f.name, f.type]));
  } finally {
    staging.close();
    await reader.close();
  }
});

test('Parquet is read in batches from a row; big integers come back as strings; a non-Parquet file is a FormatError', async () => {
  const db = await DuckDB.open();
  const file = path.join(dir, 'range.parquet');
  await db.connection.run(
    `COPY (SELECT range AS n, range + 9007199254740992 AS big, DATE '2026-01-01' + range::INTEGER AS day FROM range(5000)) TO ${quoteLiteral(file)} (FORMAT parquet)`,
  );
  db.close();
  const reader = new ParquetReader();
  try {
    const seen: number[] = [];
    let row = 0;
    for (let done = false; !done; ) {
      const batch = await reader.read(file, row, 1500);
      seen.push(...batch.rows.map((r) => r.n as number));
      row += batch.rows.length;
      done = batch.done;
    }
    assert.deepEqual(seen, Array.from({ length: 5000 }, (_, i) => i));
    const [one] = (await reader.read(file, 1, 1)).rows;
    assert.deepEqual(one, { n: 1, big: '9007199254740993', day: '2026-01-02' });
    const bogus = path.join(dir, 'bogus.parquet');
    writeFileSync(bogus, 'not parquet at all');
    await assert.rejects(reader.read(bogus, 0, 10), (e) => e instanceof FormatError && /bogus\.parquet is not a readable Parquet file/.test(e.message));
  } finally {
    await reader.close();
  }
});
