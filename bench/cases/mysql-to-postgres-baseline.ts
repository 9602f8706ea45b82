/**
 * The baseline for mysql-to-postgres.ts: the same copy written by hand with the same drivers at
 * their best, no engine. mysql2 streams the whole table (one query, rows as arrays, back pressure
 * through the socket); chunks of 10,000 rows go to two PostgreSQL connections in turn (the flow's
 * sink also has two batches in flight), either with COPY FROM STDIN (pg-copy-streams) or as
 * multi-row INSERTs of 1,000 rows in one transaction per chunk.
 * Usage: mysql-to-postgres-baseline.ts <copy|insert> [N]
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mysql from 'mysql2';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { COLUMNS, MARIADB, POSTGRES, TARGET, prepareTables, sourceTable, verifyCopy } from './mysql-to-postgres-tables';
import { peakRssMB, report } from './shared';

const variant = process.argv[2] === 'insert' ? 'insert' : 'copy';
const rows = Number(process.argv[3] ?? 1_000_000);
await prepareTables(rows);

const source = mysql.createConnection({ ...MARIADB, dateStrings: true, supportBigNumbers: true, rowsAsArray: true });
// two target connections, so one chunk is written while the next is read (as the flow's sink does)
const targets = [new pg.Client(POSTGRES), new pg.Client(POSTGRES)];
await Promise.all(targets.map((t) => t.connect()));
const CHUNK_ROWS = 10_000;
const started = performance.now();
const stream = source.query(`SELECT ${COLUMNS.join(', ')} FROM ${sourceTable(rows)} ORDER BY id`).stream({ highWaterMark: CHUNK_ROWS });

/** Chunks go to the two connections in turn; each waits for its connection's previous chunk. */
const inFlight: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];
let sent = 0;
async function send(write: (target: pg.Client) => Promise<unknown>): Promise<void> {
  const slot = sent++ % targets.length;
  await inFlight[slot];
  inFlight[slot] = write(targets[slot]);
}

if (variant === 'copy') {
  // COPY text format: tab-separated, \N for NULL; these columns hold no tabs, newlines or backslashes
  const copy = (text: string) => (target: pg.Client) =>
    pipeline(Readable.from([text]), target.query(copyFrom(`COPY ${TARGET} (${COLUMNS.join(', ')}) FROM STDIN`)));
  let text = '';
  let count = 0;
  for await (const row of stream as AsyncIterable<unknown[]>) {
    for (let c = 0; c < row.length; c++) text += (c === 0 ? '' : '\t') + (row[c] === null ? '\\N' : String(row[c]));
    text += '\n';
    if (++count === CHUNK_ROWS) {
      await send(copy(text));
      text = '';
      count = 0;
    }
  }
  if (count > 0) await send(copy(text));
} else {
  // multi-row INSERTs of 1,000 rows, one transaction per chunk of 10,000
  const STATEMENT_ROWS = 1_000;
  const placeholders = (n: number) =>
    Array.from({ length: n }, (_, r) => `(${COLUMNS.map((_, c) => `$${r * COLUMNS.length + c + 1}`).join(', ')})`).join(', ');
  const insertSql = (n: number) => `INSERT INTO ${TARGET} (${COLUMNS.join(', ')}) VALUES ${placeholders(n)}`;
  const full = insertSql(STATEMENT_ROWS);
  const insert = (chunk: unknown[][]) => async (target: pg.Client) => {
    await target.query('BEGIN');
    for (let start = 0; start < chunk.length; start += STATEMENT_ROWS) {
      const part = chunk.slice(start, start + STATEMENT_ROWS);
      await target.query(part.length === STATEMENT_ROWS ? full : insertSql(part.length), part.flat());
    }
    await target.query('COMMIT');
  };
  let chunk: unknown[][] = [];
  for await (const row of stream as AsyncIterable<unknown[]>) {
    chunk.push(row);
    if (chunk.length === CHUNK_ROWS) {
      await send(insert(chunk));
      chunk = [];
    }
  }
  if (chunk.length > 0) await send(insert(chunk));
}
await Promise.all(inFlight);
const seconds = (performance.now() - started) / 1000;
source.end();
await Promise.all(targets.map((t) => t.end()));
await verifyCopy(rows);
report({
  engine: `baseline-mysql-to-postgres-${variant}`,
  records: rows,
  seconds: Math.round(seconds * 100) / 100,
  recordsPerSec: Math.round(rows / seconds),
  peakRssMB: peakRssMB(),
});
