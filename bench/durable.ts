/**
 * The durability benchmark (issue 9), side by side in one run on this machine, each case in its own
 * process so peak RSS is its own:
 *   flow (a)   GenerateRecords → Transform (JSONata) → Count: connections in memory, durable (the
 *              default: written to the OS before any acknowledgement) and durable with sync: always
 *              (fsync before any acknowledgement); rounds interleaved, medians
 *   recovery   1,000,000 records queued, a clean stop, a restart: time to the first record processed
 *   swap       10,000,000 records queued in one connection (downstream stopped): peak RSS
 *   connectors MySQL → PostgreSQL and Kafka → PostgreSQL with durable connections, next to their
 *              hand-written baselines (needs MariaDB, PostgreSQL and kcat, as bench:connectors does)
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

const pairs = connectors
  ? ([
      [
        'MySQL → PostgreSQL',
        runCase('MySQL → PostgreSQL, Conflux in memory', 'mysql-to-postgres.ts', [rows]),
        runCase('MySQL → PostgreSQL, Conflux durable', 'mysql-to-postgres.ts', [rows], DURABLE),
        runCase('MySQL → PostgreSQL, baseline', 'mysql-to-postgres-baseline.ts', ['copy', rows]),
      ],
      [
        'Kafka → PostgreSQL',
        runCase('Kafka → PostgreSQL, Conflux in memory', 'kafka-to-postgres.ts', ['conflux', rows]),
        runCase('Kafka → PostgreSQL, Conflux durable', 'kafka-to-postgres.ts', ['conflux', rows], DURABLE),
        runCase('Kafka → PostgreSQL, baseline', 'kafka-to-postgres.ts', ['baseline', rows]),
      ],
    ] as const)
  : [];

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
  console.log('\n' + 'connector'.padEnd(22) + 'in memory'.padStart(12) + 'durable'.padStart(12) + 'baseline'.padStart(12) + 'durable/baseline'.padStart(18) + 'RSS MB'.padStart(8));
  for (const [name, inMemory, durable, baseline] of pairs) {
    console.log(
      name.padEnd(22) +
        fmt(inMemory.recordsPerSec).padStart(12) +
        fmt(durable.recordsPerSec).padStart(12) +
        fmt(baseline.recordsPerSec).padStart(12) +
        `${percent(durable.recordsPerSec, baseline.recordsPerSec)} %`.padStart(18) +
        fmt(durable.peakRssMB).padStart(8),
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
  ...pairs.map(([name, , d, b]): [string, boolean, string] => [`${name} durable at ${percent(d.recordsPerSec, b.recordsPerSec)} % of the baseline`, d.recordsPerSec >= 0.8 * b.recordsPerSec, 'goal ≥ 80 %']),
];
console.log('');
for (const [text, met, goal] of goals) console.log(`${met ? 'met ' : 'MISS'}  ${text.padEnd(58)} ${goal}`);
