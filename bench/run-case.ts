import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { CaseResult } from './cases/shared';

const root = path.resolve(import.meta.dirname, '..');

/**
 * Run one bench case (bench/cases/FILE) in a process of its own, so its peak RSS is its own, and
 * return the result it printed last (a JSON line).
 */
export function runCase(label: string, file: string, args: readonly string[], env: Record<string, string> = {}): CaseResult {
  process.stderr.write(`running ${label} …\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join('bench', 'cases', file), ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.status !== 0 || !line.startsWith('{')) throw new Error(`${label} failed (exit ${result.status}): ${result.stdout}`);
  return JSON.parse(line) as CaseResult;
}
