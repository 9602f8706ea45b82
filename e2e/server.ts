import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

export interface RunningConflux {
  url: string;
  databaseUrl: string;
  /** Its repository directory (queued records, states): pass it to the next server to restart this one. */
  repository: string;
  /** The server process, to kill it for real (crash tests). */
  pid: number;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  stop(): Promise<void>;
}

/** A fresh SQLite flow store in a temporary directory. */
export const tempSqliteUrl = () => `file:${path.join(mkdtempSync(path.join(tmpdir(), 'conflux-')), 'flows.db')}`;

/**
 * Start the real server (server.ts: Next + socket.io + engine) on a free port with its own flow
 * store, as `npm start` does, and wait until it listens. Needs a current `next build`. `testTypes`
 * adds the test-only types of e2e/fixtures/test-types.ts (API tests only: the editor's bundle does
 * not know them).
 */
export async function startConflux(
  options: { databaseUrl?: string; repository?: string; env?: Record<string, string>; testTypes?: boolean } = {},
): Promise<RunningConflux> {
  const databaseUrl = options.databaseUrl ?? tempSqliteUrl();
  const repository = options.repository ?? mkdtempSync(path.join(tmpdir(), 'conflux-repository-'));
  // each server its own embedded warehouse: DuckDB allows one process per file
  const warehouse = path.join(mkdtempSync(path.join(tmpdir(), 'conflux-warehouse-')), 'warehouse.duckdb');
  const entry = options.testTypes ? 'e2e/test-server.ts' : 'server.ts';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(root, entry)], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, CONFLUX_WAREHOUSE: warehouse, CONFLUX_REPOSITORY: repository, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/Conflux is running at (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    databaseUrl,
    repository,
    pid: child.pid!,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** fetch + JSON for API tests: returns status and parsed body. */
export async function api(base: string, method: string, pathname: string, body?: unknown) {
  const response = await fetch(base + pathname, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
