/**
 * The durability benchmark (issue 9), side by side in one run on this machine, each case in its own
 * process so peak RSS is its own:
 *   flow (a)   GenerateRecords → Transform (JSONata) → Count: connections in memory, durable (the
 *              default: written to the OS before any acknowledgement) and durable with sync: always
 *              (fsync before any acknowledgement); rounds interleaved, medians
 *   recovery   1,000,000 records queued, a clean stop, a restart: time to the first record processed
 *   swap       10,000,000 records queued in one connection (downstream stopped): peak RSS
 *   connectors MySQL → PostgreSQL and Kafka → PostgreSQL with durable connections, next to their
 *              hand-written baselines (needs MariaDB, PostgreSQL and kcat, as bench:connectors does),
 *              rounds interleaved; the goal is judged on the median of each round's durable/baseline
 *
 *   npm run bench:durable                              # 5 M records, 3 rounds, 500,000 rows per connector
 *   npm run bench:durable -- --records 2000000 --rounds 5 --rows 1000000 --no-connectors
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CaseResult } from './cases/shared';
import { runCase } from './run-case';
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const records = arg('records', 5_000_000);
const rounds = Math.max(1, arg('rounds', 3));
const rows = String(arg('rows', 500_000));
const connectors = !process.argv.includes('--no-connectors');

const DURABLE = { CONFLUX_BENCH_STORE: 'durable' };
const variants = [
  ['in memory', {}],
  ['durable (sync: os)', DURABLE],
  ['durable (sync: always)', { ...DURABLE, CONFLUX_BENCH_SYNC: 'always' }],
] as const;
const flow: CaseResult[][] = variants.map(() => []);
for (let round = 1; round <= rounds; round++) {
  variants.forEach(([name, env], i) => flow[i].push(runCase(`(a) ${name}, round ${round}`, 'conflux-flow.ts', ['jsonata', String(records)], env)));
}

function queueCase(count: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'conflux-bench-queue-'));
  try {
    const fill = runCase(`${count.toLocaleString('en-US')} records queued`, 'durable-queue.ts', ['fill', String(count), dir]);
    const drain = runCase(`restart with ${count.toLocaleString('en-US')} queued`, 'durable-queue.ts', ['drain', String(count), dir]);
    return { fill, drain };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const recovery = queueCase(1_000_000);
const swap = queueCase(10_000_000);

/** Each connector: in memory, durable and its baseline, side by side, for `rounds` interleaved rounds. */
const connectorCases = [
  ['MySQL → PostgreSQL', ['mysql-to-postgres.ts', [rows]], ['mysql-to-postgres-baseline.ts', ['copy', rows]]],
  ['Kafka → PostgreSQL', ['kafka-to-postgres.ts', ['conflux', rows]], ['kafka-to-postgres.ts', ['baseline', rows]]],
] as const;
const pairs = (connectors ? connectorCases : []).map(([name]) => ({ name, inMemory: [] as CaseResult[], durable: [] as CaseResult[], baseline: [] as CaseResult[] }));
for (let round = 1; round <= rounds && connectors; round++) {
  connectorCases.forEach(([name, [file, args], [baseFile, baseArgs]], i) => {
    pairs[i].inMemory.push(runCase(`${name}, Conflux in memory, round ${round}`, file, args));
    pairs[i].durable.push(runCase(`${name}, Conflux durable, round ${round}`, file, args, DURABLE));
    pairs[i].baseline.push(runCase(`${name}, baseline, round ${round}`, baseFile, baseArgs));
  });
}
/** Durable / baseline per round (each pair ran back to back, so drift of the shared machine cancels out), median. */
const pairedRatio = ({ durable, baseline }: (typeof pairs)[number]) =>
  durable.map((d, r) => d.recordsPerSec / baseline[r].recordsPerSec).sort((x, y) => x - y)[Math.floor((durable.length - 1) / 2)];

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (results: CaseResult[]) => [...results].sort((x, y) => x.recordsPerSec - y.recordsPerSec)[Math.floor((results.length - 1) / 2)];
const peak = (results: CaseResult[]) => Math.max(...results.map((r) => r.peakRssMB));
const percent = (x: number, y: number) => Math.round((100 * x) / y);

console.log(`\nmachine: ${process.platform} ${process.arch}, node ${process.version}; flow (a): ${fmt(records)} records, median of ${rounds} round(s)`);
console.log('flow (a)'.padEnd(26) + 'records/s'.padStart(12) + 'vs memory'.padStart(11) + 'peak RSS MB'.padStart(13) + '   rounds (records/s)');
const memory = median(flow[0]).recordsPerSec;
variants.forEach(([name], i) => {
  const m = median(flow[i]);
  console.log(name.padEnd(26) + fmt(m.recordsPerSec).padStart(12) + `${percent(m.recordsPerSec, memory)} %`.padStart(11) + fmt(peak(flow[i])).padStart(13) + `   [${flow[i].map((r) => fmt(r.recordsPerSec)).join(', ')}]`);
});
console.log('');
for (const [name, { fill, drain }] of [['recovery', recovery], ['swap', swap]] as const) {
  console.log(
    `${name.padEnd(9)} ${fmt(fill.records)} queued at ${fmt(fill.recordsPerSec)}/s, peak RSS ${fill.peakRssMB} MB, ${fill.repositoryMB} MB on disk; ` +
      `restart: journal read in ${drain.openMs} ms (RSS then ${drain.queuedRssMB} MB), first record processed after ${drain.firstRecordMs} ms, all at ${fmt(drain.recordsPerSec)}/s, peak RSS ${drain.peakRssMB} MB`,
  );
}
if (pairs.length) {
  console.log(`\nconnectors: ${rows} rows, medians of ${rounds} round(s); durable/baseline is the median of the rounds' ratios`);
  console.log('connector'.padEnd(22) + 'in memory'.padStart(12) + 'durable'.padStart(12) + 'baseline'.padStart(12) + 'durable/baseline'.padStart(18) + 'RSS MB'.padStart(8) + '   rounds (durable/baseline)');
  for (const pair of pairs) {
    const { name, inMemory, durable, baseline } = pair;
    const ratios = durable.map((d, r) => `${percent(d.recordsPerSec, baseline[r].recordsPerSec)} %`);
    console.log(
      name.padEnd(22) +
        fmt(median(inMemory).recordsPerSec).padStart(12) +
        fmt(median(durable).recordsPerSec).padStart(12) +
        fmt(median(baseline).recordsPerSec).padStart(12) +
        `${Math.round(100 * pairedRatio(pair))} %`.padStart(18) +
        fmt(peak(durable)).padStart(8) +
        `   [${ratios.join(', ')}]`,
    );
  }
}

const durable = median(flow[1]);
const goals: [string, boolean, string][] = [
  [`(a) durable at ${percent(durable.recordsPerSec, memory)} % of in memory`, durable.recordsPerSec >= 0.5 * memory, 'goal ≥ 50 %'],
  [`(a) durable peak RSS ${peak(flow[1])} MB`, peak(flow[1]) < 300, 'goal < 300 MB'],
  [`first record ${recovery.drain.firstRecordMs} ms after a restart with 1 M queued`, Number(recovery.drain.firstRecordMs) < 3_000, 'goal < 3 s'],
  // at rest (restarted, consumer stopped) and at the peak while filling at full speed (V8's heap grows ahead of its collections)
  [`10 M queued in one connection: RSS ${swap.drain.queuedRssMB} MB at rest, ${swap.fill.peakRssMB} MB peak while filling`, Number(swap.drain.queuedRssMB) < 400 && swap.fill.peakRssMB < 400, 'goal < 400 MB'],
  ...pairs.map((pair): [string, boolean, string] => [`${pair.name} durable at ${Math.round(100 * pairedRatio(pair))} % of the baseline`, pairedRatio(pair) >= 0.8, 'goal ≥ 80 %']),
];
console.log('');
for (const [text, met, goal] of goals) console.log(`${met ? 'met ' : 'MISS'}  ${text.padEnd(58)} ${goal}`);
