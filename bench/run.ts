/**
 * The engine benchmark, side by side in one run on this machine (issue 3):
 *   (a) Conflux  GenerateRecords → Transform (JSONata)   → Count
 *   (b) Conflux  GenerateRecords → SetField (no JSONata)  → Count
 *   (c) Node-RED inject → function (N × node.send) → change (JSONata) → function (count)
 *   (d) ceiling  the same template and transform evaluated in a plain loop, no engine
 * Each case runs in its own process, so peak RSS is its own. (a), (b) and (d) run several rounds,
 * interleaved, and the median counts: on a shared machine one run can be 20 % off, and a ratio of
 * two single runs minutes apart says little. Node-RED, slow and steady, runs once.
 *
 *   npm run bench                        # 10 M records for Conflux, 1 M for Node-RED, 3 rounds
 *   npm run bench -- --records 2000000 --node-red-records 500000 --rounds 5
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CaseResult } from './cases/shared';

const root = path.resolve(import.meta.dirname, '..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const records = arg('records', 10_000_000);
// Node-RED queues every message before processing (no back pressure): 10 M would need ~25 GB
const nodeRedRecords = arg('node-red-records', 1_000_000);
const rounds = Math.max(1, arg('rounds', 3));

function runCase(label: string, command: string, args: readonly string[]): CaseResult {
  process.stderr.write(`running ${label} …\n`);
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.status !== 0 || !line.startsWith('{')) throw new Error(`${label} failed (exit ${result.status}): ${result.stdout}`);
  return JSON.parse(line) as CaseResult;
}

const tsx = (file: string, ...args: string[]) => [process.execPath, ['--import', 'tsx', path.join('bench', 'cases', file), ...args]] as const;

if (!existsSync(path.join(root, 'bench', 'node-red', 'node_modules', 'node-red'))) {
  process.stderr.write('installing Node-RED into bench/node-red …\n');
  execFileSync('npm', ['ci', '--prefix', 'bench/node-red', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

const runs: Record<'a' | 'b' | 'd', CaseResult[]> = { a: [], b: [], d: [] };
for (let round = 1; round <= rounds; round++) {
  runs.a.push(runCase(`(a) Conflux + JSONata, round ${round}`, ...tsx('conflux-flow.ts', 'jsonata', String(records))));
  runs.b.push(runCase(`(b) Conflux + SetField, round ${round}`, ...tsx('conflux-flow.ts', 'setfield', String(records))));
  runs.d.push(runCase(`(d) ceiling loop, round ${round}`, ...tsx('ceiling.ts', String(records))));
}
const c = runCase('(c) Node-RED', process.execPath, ['bench/node-red/run.mjs', String(nodeRedRecords)]);

/** The median round by records/s, with the highest peak RSS of all rounds (memory must hold in every one). */
function median(results: CaseResult[]): CaseResult & { all: number[] } {
  const sorted = [...results].sort((x, y) => x.recordsPerSec - y.recordsPerSec);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  return { ...middle, peakRssMB: Math.max(...results.map((r) => r.peakRssMB)), all: results.map((r) => r.recordsPerSec) };
}
const [a, b, d] = [median(runs.a), median(runs.b), median(runs.d)];

const fmt = (n: number) => n.toLocaleString('en-US');
const rows = [
  ['(a) Conflux, JSONata transform', a],
  ['(b) Conflux, SetField', b],
  ['(c) Node-RED 5, change node JSONata', { ...c, all: [c.recordsPerSec] }],
  ['(d) ceiling: same JSONata, plain loop', d],
] as const;
console.log(`\nmachine: ${process.platform} ${process.arch}, node ${process.version}; median of ${rounds} round(s), rounds in brackets`);
console.log('case'.padEnd(40) + 'records'.padStart(12) + 'records/s'.padStart(13) + 'peak RSS MB'.padStart(13) + 'loop lag p99'.padStart(14) + '   rounds (records/s)');
for (const [name, r] of rows) {
  const lag = r.eventLoopLagP99Ms === undefined ? '' : `${r.eventLoopLagP99Ms} ms`;
  const all = r.all.length > 1 ? `   [${r.all.map(fmt).join(', ')}]` : '';
  console.log(name.padEnd(40) + fmt(r.records).padStart(12) + fmt(r.recordsPerSec).padStart(13) + fmt(Math.round(r.peakRssMB)).padStart(13) + lag.padStart(14) + all);
}
const ratio = (x: number, y: number) => (x / y).toFixed(2);
const goals = [
  [`(a) / (c) = ${ratio(a.recordsPerSec, c.recordsPerSec)}×`, a.recordsPerSec >= 5 * c.recordsPerSec, 'goal ≥ 5×'],
  [`(a) / (d) = ${Math.round((100 * a.recordsPerSec) / d.recordsPerSec)} %`, a.recordsPerSec >= 0.75 * d.recordsPerSec, 'goal ≥ 75 %'],
  [`(b) = ${fmt(b.recordsPerSec)} records/s`, b.recordsPerSec >= 2_000_000, 'goal ≥ 2,000,000'],
  [`peak RSS (a) ${a.peakRssMB} MB, (b) ${b.peakRssMB} MB`, a.peakRssMB < 300 && b.peakRssMB < 300, 'goal < 300 MB'],
] as const;
console.log('');
for (const [text, met, goal] of goals) console.log(`${met ? 'met ' : 'MISS'}  ${text.padEnd(44)} ${goal}`);
