/**
 * One candidate of bench/durable-store-candidates.ts in its own process: N records in batches of
 * 1,000, each batch added, then removed DEPTH batches later, GROUP batches per write.
 */
import { closeSync, fdatasyncSync, openSync, readdirSync, statSync, unlinkSync, write as writeCb } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { createRequire } from 'node:module';
import { Packr } from 'msgpackr';
import { peakRssMB, report } from './shared';

const BATCH = 1_000;
const DEPTH = 10;
const GROUP = 8;
const SEGMENT_BYTES = 64 * 1024 * 1024;
const write = promisify(writeCb);

const packr = new Packr({ useRecords: true, moreTypes: true });
const now = Date.now();
const regions = ['asia', 'europe', 'africa', 'north-america'];
function batchOf(n: number) {
  const records = new Array(BATCH);
  for (let i = 0; i < BATCH; i++) {
    const k = n * BATCH + i;
    records[i] = {
      id: k,
      attributes: {},
      content: { orderId: k, region: regions[k % 4], sku: 'PF-110', shade: '#110', qty: 1 + (k % 4), price: 39, total: 39 * (1 + (k % 4)), at: '2026-04-08T21:27:38Z' },
      parents: [],
      entryTime: now,
    };
  }
  return records;
}

interface Store {
  /** One group commit: add these encoded batches (by sequence number), remove those. */
  commit(added: [number, Buffer][], removed: number[]): Promise<void>;
  close(): Promise<void>;
}

async function sqlite(dir: string, sync: 'os' | 'always'): Promise<Store> {
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const db = new Database(path.join(dir, 'queue.db'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync === 'always' ? 'FULL' : 'NORMAL'}`);
  db.exec('CREATE TABLE chunk (seq INTEGER PRIMARY KEY, conn TEXT NOT NULL, data BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO chunk (seq, conn, data) VALUES (?, ?, ?)');
  const remove = db.prepare('DELETE FROM chunk WHERE seq = ?');
  const group = db.transaction((added: [number, Buffer][], removed: number[]) => {
    for (const [seq, data] of added) insert.run(seq, 'c1', data);
    for (const seq of removed) remove.run(seq);
  });
  return { commit: async (added, removed) => group(added, removed), close: async () => db.close() };
}

async function lmdb(dir: string, sync: 'os' | 'always'): Promise<Store> {
  const { open } = await import('lmdb');
  const db = open({ path: path.join(dir, 'queue.mdb'), encoding: 'binary', noSync: sync === 'os', compression: false });
  return {
    async commit(added, removed) {
      let last: Promise<unknown> = Promise.resolve();
      for (const [seq, data] of added) last = db.put(seq, data);
      for (const seq of removed) last = db.remove(seq);
      await last; // puts and removes of one tick go into one transaction
      // lmdb-js overlaps the sync with the next transaction: durable once `flushed` resolves
      if (sync === 'always') await db.flushed;
    },
    close: () => db.close(),
  };
}

async function segments(dir: string, sync: 'os' | 'always'): Promise<Store> {
  let segment = 0;
  let fd = openSync(path.join(dir, `${String(segment).padStart(8, '0')}.seg`), 'a');
  let written = 0;
  /** Per segment, how many batches in it are not removed yet; a finished segment at 0 is deleted. */
  const live = new Map<number, number>([[0, 0]]);
  const where = new Map<number, number>();
  const header = Buffer.alloc(12);
  return {
    async commit(added, removed) {
      const removals = Buffer.from(new Float64Array(removed).buffer);
      const parts = [removals, ...added.map(([, data]) => data)];
      const length = parts.reduce((sum, p) => sum + p.length, 0) + 8 * added.length;
      const index = Buffer.alloc(8 * added.length);
      added.forEach(([seq], i) => index.writeDoubleLE(seq, 8 * i));
      const body = Buffer.concat([index, ...parts], length);
      header.writeUInt32LE(length, 0);
      header.writeUInt32LE(crc32(body), 4);
      header.writeUInt32LE(removed.length, 8);
      await write(fd, Buffer.concat([header, body]));
      if (sync === 'always') fdatasyncSync(fd);
      written += body.length + 12;
      for (const [seq] of added) {
        where.set(seq, segment);
        live.set(segment, (live.get(segment) ?? 0) + 1);
      }
      for (const seq of removed) {
        const s = where.get(seq)!;
        where.delete(seq);
        live.set(s, live.get(s)! - 1);
      }
      if (written >= SEGMENT_BYTES) {
        closeSync(fd);
        segment++;
        live.set(segment, 0);
        fd = openSync(path.join(dir, `${String(segment).padStart(8, '0')}.seg`), 'a');
        written = 0;
      }
      for (const [s, count] of live) {
        if (s !== segment && count === 0) {
          unlinkSync(path.join(dir, `${String(s).padStart(8, '0')}.seg`));
          live.delete(s);
        }
      }
    },
    close: async () => closeSync(fd),
  };
}

const encodeOnly = async (): Promise<Store> => ({ commit: async () => {}, close: async () => {} });

export async function runCandidate(name: string, sync: 'os' | 'always', records: number, dir: string): Promise<void> {
  const open = { 'encode-only': encodeOnly, sqlite, lmdb, segments }[name];
  if (!open) throw new Error(`unknown candidate ${name}`);
  const store = await open(dir, sync);
  const batches = Math.ceil(records / BATCH);
  // made before the clock starts: the stores are compared, not the generator
  const made = Array.from({ length: Math.min(batches, 64) }, (_, n) => batchOf(n));
  const started = performance.now();
  let added: [number, Buffer][] = [];
  let removed: number[] = [];
  for (let n = 0; n < batches + DEPTH; n++) {
    if (n < batches) added.push([n, packr.pack(made[n % made.length])]);
    if (n >= DEPTH) removed.push(n - DEPTH);
    if (added.length + removed.length >= 2 * GROUP || n === batches + DEPTH - 1) {
      await store.commit(added, removed);
      added = [];
      removed = [];
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  const diskMB = readdirSync(dir).reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0) / 1024 / 1024;
  report({ engine: `${name}-${sync}`, records: batches * BATCH, seconds, recordsPerSec: Math.round((batches * BATCH) / seconds), peakRssMB: peakRssMB(), diskMB });
}
