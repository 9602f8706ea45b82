/**
 * The engine benchmark, side by side in one run on this machine (issue 3):
 *   (a) Conflux  GenerateRecords → Transform (JSONata)   → Count
 *   (b) Conflux  GenerateRecords → SetField (no JSONata)  → Count
 *   (c) Node-RED inject → function (N × node.send) → change (JSONata) → function (count)
 *   (d) ceiling  the same template and transform evaluated in a plain loop, no engine
 * Each case runs in its own process, so peak RSS is its own.
 *
 *   npm run bench                        # 10 M records for Conflux, 1 M for Node-RED
 *   npm run bench -- --records 2000000 --node-red-records 500000
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

const a = runCase('(a) Conflux + JSONata', ...tsx('conflux-flow.ts', 'jsonata', String(records)));
const b = runCase('(b) Conflux + SetField', ...tsx('conflux-flow.ts', 'setfield', String(records)));
const c = runCase('(c) Node-RED', process.execPath, ['bench/node-red/run.mjs', String(nodeRedRecords)]);
const d = runCase('(d) ceiling loop', ...tsx('ceiling.ts', String(records)));

const fmt = (n: number) => n.toLocaleString('en-US');
const rows = [
  ['(a) Conflux, JSONata transform', a],
  ['(b) Conflux, SetField', b],
  ['(c) Node-RED 5, change node JSONata', c],
  ['(d) ceiling: same JSONata, plain loop', d],
] as const;
console.log(`\nmachine: ${process.platform} ${process.arch}, node ${process.version}`);
console.log('case'.padEnd(40) + 'records'.padStart(12) + 'records/s'.padStart(13) + 'peak RSS MB'.padStart(13) + 'loop lag p99'.padStart(14));
for (const [name, r] of rows) {
  const lag = r.eventLoopLagP99Ms === undefined ? '' : `${r.eventLoopLagP99Ms} ms`;
  console.log(name.padEnd(40) + fmt(r.records).padStart(12) + fmt(r.recordsPerSec).padStart(13) + fmt(r.peakRssMB).padStart(13) + lag.padStart(14));
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
