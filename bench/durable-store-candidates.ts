/**
 * Candidates for the durable queue store (issue 9), measured side by side in one run on the same
 * workload: batches of 1,000 order records are added to a queue and removed again 10 batches later
 * (a queue that holds 10,000 records), the way a connection's records are written at one commit
 * and consumed at a later one. Each store writes a group of batches per transaction (group commit)
 * and removes what was consumed in the same write. Every record is encoded once with msgpackr
 * (self-contained records, so a batch decodes without shared state); the stores differ in how the
 * bytes reach the disk:
 *   sqlite    better-sqlite3 12, WAL, a blob per batch; synchronous=NORMAL (os) or FULL (always)
 *   lmdb      lmdb 3 (async batched commits in its own thread); noSync (os) or synced (always)
 *   segments  an append-only log of our own: framed, CRC-checked groups appended with fs.write
 *             (libuv's thread pool), whole segment files deleted once consumed; fdatasync (always)
 * Each case runs in its own process (its own peak RSS), three rounds interleaved, median reported.
 *
 *   npx tsx bench/durable-store-candidates.ts [--records 2000000] [--rounds 3]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

if (process.argv[2] === '--case') {
  const { runCandidate } = await import('./cases/durable-store-candidate');
  await runCandidate(process.argv[3], process.argv[4] as 'os' | 'always', Number(process.argv[5]), process.argv[6]);
} else {
  const records = arg('records', 2_000_000);
  const rounds = arg('rounds', 3);
  const cases = ['encode-only', 'sqlite', 'lmdb', 'segments'];
  const results = new Map<string, { rps: number; rss: number; mb: number }[]>();
  for (let round = 0; round < rounds; round++) {
    for (const sync of ['os', 'always'] as const) {
      for (const store of cases) {
        if (store === 'encode-only' && sync === 'always') continue;
        const dir = mkdtempSync(path.join(tmpdir(), `conflux-store-${store}-`));
        const records_ = sync === 'always' ? Math.min(records, 500_000) : records;
        process.stderr.write(`round ${round + 1}: ${store} (${sync}) …\n`);
        const run = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--case', store, sync, String(records_), dir], { encoding: 'utf8' });
        rmSync(dir, { recursive: true, force: true });
        const line = run.stdout.trim().split('\n').at(-1) ?? '';
        if (run.status !== 0 || !line.startsWith('{')) throw new Error(`${store} failed: ${run.stderr}`);
        const r = JSON.parse(line);
        const key = `${store} (${sync})`;
        results.set(key, [...(results.get(key) ?? []), { rps: r.recordsPerSec, rss: r.peakRssMB, mb: r.diskMB }]);
      }
    }
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`\nmachine: ${process.platform} ${process.arch}, node ${process.version}; median of ${rounds} round(s)`);
  console.log('store'.padEnd(22) + 'records/s'.padStart(12) + 'peak RSS MB'.padStart(13) + 'disk MB at end'.padStart(16) + '   rounds');
  for (const [key, runs] of results) {
    const median = [...runs].sort((a, b) => a.rps - b.rps)[Math.floor((runs.length - 1) / 2)];
    console.log(key.padEnd(22) + fmt(median.rps).padStart(12) + fmt(Math.max(...runs.map((r) => r.rss))).padStart(13) + median.mb.toFixed(1).padStart(16) + `   [${runs.map((r) => fmt(r.rps)).join(', ')}]`);
  }
}
