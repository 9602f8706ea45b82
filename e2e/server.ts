import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

export interface RunningConflux {
  url: string;
  /** An admin API token (the harness creates the first admin through the setup token, as a person would; not with `noAdmin`). */
  token: string;
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
  options: { databaseUrl?: string; repository?: string; env?: Record<string, string>; testTypes?: boolean; noAdmin?: boolean } = {},
): Promise<RunningConflux> {
  const databaseUrl = options.databaseUrl ?? tempSqliteUrl();
  const repository = options.repository ?? mkdtempSync(path.join(tmpdir(), 'conflux-repository-'));
  // each server its own embedded warehouse: DuckDB allows one process per file
  const warehouse = path.join(mkdtempSync(path.join(tmpdir(), 'conflux-warehouse-')), 'warehouse.duckdb');
  // and its own small regional shops, their webhook on a free port
  const shop = { CONFLUX_SHOP_DIR: mkdtempSync(path.join(tmpdir(), 'conflux-shop-')), CONFLUX_SHOP_LINES: '2000', CONFLUX_SHOP_WEBHOOK_PORT: '0', CONFLUX_SHOP_SIMULATOR: '0' };
  const entry = options.testTypes ? 'e2e/test-server.ts' : 'server.ts';
  const setupToken = options.noAdmin ? '' : `cfx_setup_e2e_${randomBytes(16).toString('hex')}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(root, entry)], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, CONFLUX_WAREHOUSE: warehouse, CONFLUX_REPOSITORY: repository, CONFLUX_SETUP_TOKEN: setupToken, ...shop, ...options.env },
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
  const token = admins.get(databaseUrl) ?? (options.noAdmin ? '' : await createAdmin(url, setupToken));
  admins.set(databaseUrl, token);
  tokens.set(new URL(url).origin, token);
  return {
    url,
    token,
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

/** The first admin's credentials in every test server, and its API token per flow store and per server. */
export const ADMIN = { username: 'admin', password: 'e2e-admin-password' };
const admins = new Map<string, string>();
const tokens = new Map<string, string>();

async function createAdmin(url: string, setupToken: string): Promise<string> {
  const setup = await fetch(`${url}/api/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: setupToken, ...ADMIN }) });
  if (setup.status !== 201) throw new Error(`creating the first admin: ${setup.status} ${await setup.text()}`);
  const cookie = setup.headers.get('set-cookie')!.split(';')[0];
  const created = await fetch(`${url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ name: 'e2e', role: 'admin' }) });
  if (created.status !== 201) throw new Error(`creating the admin's API token: ${created.status} ${await created.text()}`);
  return ((await created.json()) as { token: { token: string } }).token.token;
}

/** The Authorization header of the admin of the test server at `base`. */
export const adminAuth = (base: string): Record<string, string> => {
  const token = tokens.get(new URL(base).origin);
  return token ? { authorization: `Bearer ${token}` } : {};
};

/** A session cookie for a user of the server at `base`: for browsers and socket.io clients. */
export async function sessionCookie(base: string, credentials: { username: string; password: string } = ADMIN): Promise<string> {
  const answer = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
  if (!answer.ok) throw new Error(`signing in as ${credentials.username}: ${answer.status} ${await answer.text()}`);
  return answer.headers.get('set-cookie')!.split(';')[0].split('=')[1];
}

/** fetch + JSON for API tests, as the server's admin (its API token): returns status and parsed body. */
export async function api(base: string, method: string, pathname: string, body?: unknown) {
  const response = await fetch(base + pathname, {
    method,
    headers: { ...adminAuth(base), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
