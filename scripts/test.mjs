// `npm test`: chromium and kcat installed if missing, boundary lint, type check, build the editor if stale, then every *.test.ts with node's
// test runner (real databases, real browser). Ends with a plain "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildIfStale } from './build-if-stale.mjs';
import { ensureSystemPackages } from './ensure-system.mjs';

const root = path.resolve(import.meta.dirname, '..');
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.') || name === 'generated') return [];
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return findTests(full);
    return name.endsWith('.test.ts') ? [path.relative(root, full)] : [];
  });
}

const only = process.argv.slice(2);
ensureSystemPackages();
if (only.length === 0) {
  if (run(process.execPath, ['scripts/check-boundaries.mjs']).status !== 0) process.exit(1);
  if (run('npx', ['tsc', '--noEmit', '-p', '.']).status !== 0) process.exit(1);
}
buildIfStale();

const files = only.length ? only : ['engine', 'lib', 'scripts', 'e2e'].flatMap((d) => findTests(path.join(root, d))).sort();
const tap = path.join(mkdtempSync(path.join(tmpdir(), 'conflux-test-')), 'report.tap');
const result = run(process.execPath, [
  '--import', 'tsx',
  '--test',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...files,
]);
const report = readFileSync(tap, 'utf8');
const count = (key) => Number(report.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
const failed = count('fail') + count('cancelled');
console.log(`\n${count('pass')} passed, ${failed} failed, ${count('skipped')} skipped`);
process.exit(result.status === 0 && failed === 0 ? 0 : 1);
