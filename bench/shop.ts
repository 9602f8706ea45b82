/**
 * The store's regional pipeline benchmark (issue 11), side by side in one run, each case in its own
 * process: the shops seeded into MariaDB (Europe, Asia) and PostgreSQL (Africa, North America), then
 * rounds of the hand-written baseline, the shipped flow tuned, and the shipped flow as shipped
 * (bench/cases/shop-load.ts), all loading order lines and cart events into DuckDB; then the servers'
 * version as a person runs it, through the real server into its PostgreSQL warehouse, with API reads
 * timed meanwhile (bench/cases/shop-server.ts).
 *
 *   npm run bench:shop                          # 250,000 order lines per region on average (1 M), 3 rounds
 *   npm run bench:shop -- --lines 2500000       # the issue's 10 M order lines
 */
import { REGIONS } from '../lib/shop/catalog';
import { seedServers } from '../lib/shop/seed-servers';
import { BENCH_SERVERS } from './cases/shop-servers';
import type { CaseResult } from './cases/shared';
import { runCase } from './run-case';
import { buildIfStale } from '../scripts/build-if-stale.mjs';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const linesPerRegion = arg('lines', 250_000);
const rounds = Math.max(1, arg('rounds', 3));

const seeding = performance.now();
const seeded = await seedServers(BENCH_SERVERS, { seed: 'bench', linesPerRegion, end: Date.UTC(2026, 11, 1) }, { reset: true });
const lines = seeded.reduce((sum, s) => sum + s.lines, 0);
const total = seeded.reduce((sum, s) => sum + s.lines + s.events, 0);
console.error(`seeded ${lines.toLocaleString('en-US')} order lines and ${(total - lines).toLocaleString('en-US')} cart events over ${REGIONS.length} regions in ${((performance.now() - seeding) / 1000).toFixed(0)} s`);

const variants = ['baseline', 'conflux-tuned', 'conflux-default'] as const;
const results = Object.fromEntries(variants.map((v) => [v, [] as CaseResult[]])) as Record<(typeof variants)[number], CaseResult[]>;
const server: CaseResult[] = [];
buildIfStale();
for (let round = 1; round <= rounds; round++) {
  for (const variant of variants) results[variant].push(runCase(`${variant}, round ${round}`, 'shop-load.ts', [variant, String(total)]));
  // a case that fails (or runs past its 30 minutes) is reported, not the end of the others' figures
  try {
    server.push(runCase(`the servers' version through the real server, round ${round}`, 'shop-server.ts', [String(total)]));
  } catch (error) {
    console.error(`the servers' version, round ${round}: ${(error as Error).message.slice(0, 2_000)}`);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const rate = (v: (typeof variants)[number]) => median(results[v].map((r) => r.recordsPerSec));
/** Per-round ratios (the pair ran back to back, so the shared machine's drift cancels out), median. */
const ratio = (a: (typeof variants)[number], b: (typeof variants)[number]) => median(results[a].map((r, i) => r.recordsPerSec / results[b][i].recordsPerSec));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(`\n${fmt(lines)} order lines + ${fmt(total - lines)} cart events (${fmt(total)} rows), 4 regions on MariaDB + PostgreSQL → DuckDB; medians of ${rounds} round(s)`);
console.log('variant'.padEnd(18) + 'rows/s'.padStart(10) + 'lag p99 ms'.padStart(12) + 'peak RSS MB'.padStart(13) + '   rounds (rows/s)');
for (const v of variants) {
  console.log(v.padEnd(18) + fmt(rate(v)).padStart(10) + String(median(results[v].map((r) => r.eventLoopLagP99Ms ?? 0))).padStart(12) + String(Math.max(...results[v].map((r) => r.peakRssMB))).padStart(13) + `   [${results[v].map((r) => fmt(r.recordsPerSec)).join(', ')}]`);
}
const med = (key: string) => median(server.map((r) => Number(r[key] ?? NaN)));
if (server.length > 0) {
  console.log('');
  console.log(`the servers' version as a person runs it (the real server, npm start; its PostgreSQL warehouse; status read every 250 ms, answers every 10 s), medians of ${server.length}:`);
  console.log(`  ${fmt(median(server.map((r) => r.recordsPerSec)))} rows/s, event-loop lag p99 ${med('eventLoopLagP99MedianMs')} ms (median window; worst ${med('eventLoopLagP99Ms')} ms), status read p99 ${med('statusP99Ms')} ms, answers p99 ${med('questionsP99Ms')} ms, first answers after ${med('firstAnswersS')} s, peak RSS ${Math.max(...server.map((r) => r.peakRssMB))} MB`);
}
const tuned = ratio('conflux-tuned', 'baseline');
const defaults = ratio('conflux-default', 'conflux-tuned');
console.log('');
console.log(`${tuned >= 0.8 ? 'met ' : 'MISS'}  the shipped flow, tuned, at ${Math.round(tuned * 100)} % of the baseline          goal ≥ 80 %`);
console.log(`${defaults >= 0.5 ? 'met ' : 'MISS'}  the shipped flow as shipped at ${Math.round(defaults * 100)} % of the tuned flow   goal ≥ 50 %`);
