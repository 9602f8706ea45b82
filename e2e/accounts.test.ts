import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { io } from 'socket.io-client';
import { Events } from '../engine/protocol';
import { API_RULES } from '../lib/server/auth/access';
import { ROLES, hasRole, type Role } from '../lib/auth/roles';
import { ADMIN, api, sessionCookie, startConflux, type RunningConflux } from './server';

type Who = 'anonymous' | Role;
const setupWith = (url: string, token: string, password = 'eve-password-1', username = 'eve') =>
  fetch(`${url}/api/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, username, password }) });
const password = (role: string) => `${role}-password-123`;

/**
 * Accounts and roles through the real server: the whole access table tried as every role, sessions
 * and tokens that end, the first admin's setup, and the audit log.
 */
describe('accounts, roles and the audit log', () => {
  let server: RunningConflux;
  const cookies = {} as Record<Role, string>;
  const ids = { id: '', pid: '', cid: '', sid: '', componentId: '', rid: '1', uid: '', tid: '' };

  /** A request as someone: a session cookie per role, nothing for anonymous. */
  const as = async (who: Who, method: string, pathname: string, body?: unknown) => {
    const headers: Record<string, string> = who === 'anonymous' ? {} : { cookie: `conflux_session=${cookies[who]}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(server.url + pathname, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
    const text = await response.text();
    let json: { error?: string } & Record<string, unknown> = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {}
    return { status: response.status, body: json, location: response.headers.get('location') };
  };

  before(async () => {
    server = await startConflux({ env: { CONFLUX_NO_DEMO: '1' } });
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      const created = await api(server.url, 'POST', '/api/users', { username: role, password: password(role), role });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    for (const role of ROLES) cookies[role] = await sessionCookie(server.url, role === 'admin' ? ADMIN : { username: role, password: password(role) });
    const flow = (await api(server.url, 'POST', '/api/flows', { name: 'Access' })).body.flow;
    ids.id = flow.id;
    const base = `/api/flows/${flow.id}`;
    const gen = (await api(server.url, 'POST', `${base}/processors`, { type: 'GenerateRecords', position: { x: 0, y: 0 } })).body.processor;
    const count = (await api(server.url, 'POST', `${base}/processors`, { type: 'Count', position: { x: 300, y: 0 } })).body.processor;
    ids.pid = ids.componentId = gen.id;
    ids.cid = (await api(server.url, 'POST', `${base}/connections`, { sourceId: gen.id, relationship: 'success', targetId: count.id })).body.connection.id;
    ids.sid = (await api(server.url, 'GET', `${base}/services`)).body.services[0]?.id ?? 'none';
  });
  after(() => server?.stop());

  test('the role matrix: every route as anonymous, viewer, operator, editor and admin', async () => {
    const table: string[] = [];
    for (const rule of API_RULES) {
      // reads name real things; changes name things that do not exist or carry an empty body, so the
      // matrix changes nothing: reaching the handler (400/404/409) is what "allowed" means here
      const change = rule.method !== 'GET';
      const real = (name: keyof typeof ids) => !change || (name === 'id' && !rule.path.endsWith(':id'));
      const pathname = rule.path.replace(/:(\w+)/g, (_, name: keyof typeof ids) => (real(name) ? ids[name] : 'does-not-exist'));
      if (rule.path === '/api/auth/logout') continue; // would end the session the next rows use: tested below
      const row: string[] = [];
      for (const who of ['anonymous', ...ROLES] as Who[]) {
        const { status, body } = await as(who, rule.method, pathname, change ? {} : undefined);
        const allowed = rule.need === 'public' || (who !== 'anonymous' && (rule.need === 'signed-in' || hasRole(who, rule.need)));
        if (allowed) assert.ok(status !== 401 && status !== 403 && status < 500, `${who} ${rule.method} ${pathname}: ${status} ${body.error ?? ''}`);
        else {
          assert.equal(status, who === 'anonymous' ? 401 : 403, `${who} ${rule.method} ${pathname} must be refused`);
          assert.match(String(body.error), who === 'anonymous' ? /sign in/ : new RegExp(`needs the ${rule.need} role`));
        }
        row.push(String(status));
      }
      table.push(`${rule.method.padEnd(6)} ${rule.path.padEnd(52)} ${row.join(' ')}`);
    }
    console.log(`status as anonymous viewer operator editor admin:\n${table.join('\n')}`);
  });

  test('what each role is for works: a viewer reads, an operator starts, an editor changes, an admin adds users', async () => {
    const base = `/api/flows/${ids.id}`;
    assert.equal((await as('viewer', 'GET', base)).status, 200);
    assert.equal((await as('viewer', 'POST', `${base}/run`, { action: 'start' })).status, 403);
    const started = await as('operator', 'POST', `${base}/run`, { action: 'start', processorId: ids.pid });
    assert.equal(started.status, 200, started.body.error);
    assert.equal((await as('operator', 'POST', `${base}/run`, { action: 'stop' })).status, 200);
    assert.equal((await as('operator', 'POST', `${base}/processors`, { type: 'Count', position: { x: 0, y: 0 } })).status, 403);
    assert.equal((await as('editor', 'POST', `${base}/processors`, { type: 'Count', position: { x: 0, y: 200 } })).status, 201);
    assert.equal((await as('editor', 'POST', '/api/users', { username: 'mallory', password: password('x'), role: 'admin' })).status, 403);
    assert.equal((await as('admin', 'POST', '/api/users', { username: 'ops2', password: password('x'), role: 'operator' })).status, 201);
    const users = (await as('admin', 'GET', '/api/users')).body.users as { username: string; passwordHash?: string }[];
    assert.ok(users.some((u) => u.username === 'ops2'));
    assert.ok(users.every((u) => u.passwordHash === undefined), 'no hash in answers');
  });

  test('a malformed %-escape in a path is a 400, not a 500', async () => {
    for (const pathname of ['/api/tokens/%', '/api/users/%zz', '/api/flows/%zz'])
      assert.equal((await as('admin', pathname.startsWith('/api/flows') ? 'GET' : 'DELETE', pathname)).status, 400, pathname);
  });

  test('an identity header sent by a client is not believed', async () => {
    const forged = Buffer.from(JSON.stringify({ userId: 'x', username: 'admin', role: 'admin' })).toString('base64url');
    const anonymous = await fetch(`${server.url}/api/users`, { headers: { 'x-conflux-identity': forged } });
    assert.equal(anonymous.status, 401);
    const viewer = await fetch(`${server.url}/api/users`, { headers: { 'x-conflux-identity': forged, cookie: `conflux_session=${cookies.viewer}` } });
    assert.equal(viewer.status, 403);
    const me = await fetch(`${server.url}/api/auth/me`, { headers: { 'x-conflux-identity': forged, cookie: `conflux_session=${cookies.viewer}` } });
    assert.deepEqual((await me.json()).user, { username: 'viewer', role: 'viewer' });
  });

  test('pages: anonymous visitors are sent to sign in; the admin page is for admins', async () => {
    const home = await as('anonymous', 'GET', '/flows/x?y=1');
    assert.equal(home.status, 303);
    assert.equal(home.location, `/login?next=${encodeURIComponent('/flows/x?y=1')}`);
    assert.equal((await as('anonymous', 'GET', '/login')).status, 200);
    assert.equal((await as('viewer', 'GET', '/')).status, 200);
    assert.equal((await as('editor', 'GET', '/admin')).status, 403);
    assert.equal((await as('admin', 'GET', '/admin')).status, 200);
  });

  test('sessions end: sign-out, a role change, disabling; a wrong password is refused and repeated ones are slowed', async () => {
    const cookie = await sessionCookie(server.url, { username: 'viewer', password: password('viewer') });
    const me = () => fetch(`${server.url}/api/auth/me`, { headers: { cookie: `conflux_session=${cookie}` } });
    assert.equal((await (await me()).json()).user.role, 'viewer');
    const out = await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { cookie: `conflux_session=${cookie}` } });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie') ?? '', /conflux_session=;.*Max-Age=0/);
    assert.equal((await me()).status, 401, 'the signed-out session no longer works');

    const users = (await api(server.url, 'GET', '/api/users')).body.users as { id: string; username: string }[];
    const operator = users.find((u) => u.username === 'operator')!;
    assert.equal((await as('operator', 'GET', '/api/auth/me')).status, 200);
    assert.equal((await api(server.url, 'PATCH', `/api/users/${operator.id}`, { role: 'viewer' })).status, 200);
    assert.equal((await as('operator', 'GET', '/api/auth/me')).status, 401, 'a role change ends the sessions');
    const again = await sessionCookie(server.url, { username: 'operator', password: password('operator') });
    const role = await fetch(`${server.url}/api/auth/me`, { headers: { cookie: `conflux_session=${again}` } });
    assert.equal((await role.json()).user.role, 'viewer');
    assert.equal((await api(server.url, 'PATCH', `/api/users/${operator.id}`, { disabled: true })).status, 200);
    const disabled = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'operator', password: password('operator') }) });
    assert.equal(disabled.status, 401);
    assert.match((await disabled.json()).error, /disabled/);

    const wrong = () => fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'editor', password: 'not-it-at-all' }) });
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await wrong()).status);
    assert.deepEqual(statuses, [...Array(10).fill(401), 429]);
    // attempts sent together are counted before their (slow) checks: at most ten get checked
    const together = (name: string) => fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: name, password: 'not-it-at-all' }) });
    const burst = await Promise.all(Array.from({ length: 25 }, () => together('ghost')));
    assert.equal(burst.filter((r) => r.status === 401).length, 10, burst.map((r) => r.status).join(' '));
    assert.equal(burst.filter((r) => r.status === 429).length, 15);
    const admins = users.filter((u) => u.username === ADMIN.username);
    const last = await api(server.url, 'PATCH', `/api/users/${admins[0].id}`, { role: 'editor' });
    assert.equal(last.status, 409);
    assert.match(last.body.error, /last admin/);
  });

  test('API tokens: shown once, at most the owner role, revoked at once', async () => {
    const editorToken = await as('editor', 'POST', '/api/tokens', { name: 'ci', role: 'viewer' });
    assert.equal(editorToken.status, 201);
    const token = (editorToken.body.token as { token: string; id: string }).token;
    assert.match(token, /^cfx_t_/);
    assert.equal((await as('editor', 'POST', '/api/tokens', { name: 'up', role: 'admin' })).status, 403, 'no token above its owner');
    const child = await fetch(`${server.url}/api/tokens`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'child' }) });
    assert.equal(child.status, 403, 'a token cannot make a token that would outlive it');
    const listed = (await as('editor', 'GET', '/api/tokens')).body.tokens as { id: string; name: string; token?: string }[];
    assert.deepEqual(listed.map((t) => t.name), ['ci']);
    assert.equal(listed[0].token, undefined, 'the value is never listed');
    const bearer = (method: string, pathname: string, body?: unknown) =>
      fetch(server.url + pathname, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    assert.equal((await bearer('GET', `/api/flows/${ids.id}`)).status, 200);
    assert.equal((await bearer('POST', `/api/flows/${ids.id}/run`, { action: 'start' })).status, 403, 'the token is a viewer though its owner edits');
    assert.equal((await as('editor', 'DELETE', `/api/tokens/${listed[0].id}`)).status, 204);
    assert.equal((await bearer('GET', `/api/flows/${ids.id}`)).status, 401, 'a revoked token stops at once');
    assert.equal((await bearer('GET', `/api/flows/${ids.id}`)).status, 401);
  });

  test('the live channel: no handshake without credentials; a viewer gets stats; a revoked session is cut off', async () => {
    const connect = (auth: { cookie?: string; token?: string }) =>
      new Promise<{ outcome: string; socket: ReturnType<typeof io> }>((resolve) => {
        const socket = io(server.url, { transports: ['websocket'], reconnection: false, extraHeaders: auth.cookie ? { cookie: `conflux_session=${auth.cookie}` } : {}, auth: auth.token ? { token: auth.token } : {} });
        socket.on('connect', () => resolve({ outcome: 'connected', socket }));
        socket.on('connect_error', (error) => resolve({ outcome: `refused: ${error.message}`, socket }));
      });
    const anonymous = await connect({});
    anonymous.socket.close();
    assert.equal(anonymous.outcome, 'refused: sign in first');
    const forged = await connect({ token: 'cfx_t_forged' });
    forged.socket.close();
    assert.match(forged.outcome, /^refused/);

    const cookie = await sessionCookie(server.url, { username: 'viewer', password: password('viewer') });
    const viewer = await connect({ cookie });
    assert.equal(viewer.outcome, 'connected');
    const stats = new Promise((resolve) => viewer.socket.once(Events.stats, resolve));
    viewer.socket.emit(Events.subscribe, ids.id);
    assert.ok(await stats);
    const closed = new Promise((resolve) => viewer.socket.once('disconnect', resolve));
    await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { cookie: `conflux_session=${cookie}` } });
    assert.equal(await closed, 'io server disconnect', 'signing out closes the live channel');

    // a script's socket (API token) is cut off when its user is disabled
    const made = await api(server.url, 'POST', '/api/users', { username: 'script-owner', password: password('s'), role: 'viewer' });
    const ownerCookie = await sessionCookie(server.url, { username: 'script-owner', password: password('s') });
    const minted = await fetch(`${server.url}/api/tokens`, { method: 'POST', headers: { cookie: `conflux_session=${ownerCookie}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'watcher' }) });
    const script = await connect({ token: ((await minted.json()) as { token: { token: string } }).token.token });
    assert.equal(script.outcome, 'connected');
    const cut = new Promise((resolve) => script.socket.once('disconnect', resolve));
    assert.equal((await api(server.url, 'PATCH', `/api/users/${made.body.user.id}`, { disabled: true })).status, 200);
    assert.equal(await cut, 'io server disconnect');
  });

  test('the first admin: only once, only with the token printed in the console', async () => {
    assert.equal((await setupWith(server.url, 'guess')).status, 409, 'set up already: no second first admin');
    const fresh = await startConflux({ noAdmin: true, env: { CONFLUX_NO_DEMO: '1' } });
    try {
      let link: string | undefined;
      for (let i = 0; i < 50 && !link; i++, await new Promise((r) => setTimeout(r, 100))) link = /create the first admin at (\S+)/.exec(fresh.output())?.[1];
      assert.ok(link, fresh.output());
      const token = new URL(link).searchParams.get('token')!;
      assert.match(token, /^cfx_setup_[\w-]{40,}$/);
      const home = await fetch(`${fresh.url}/`, { redirect: 'manual' });
      assert.equal(home.headers.get('location'), '/setup', 'nobody to sign in yet: to the setup page');
      assert.equal((await fetch(link)).status, 200);
      assert.equal((await fetch(`${fresh.url}/api/flows`)).status, 401, 'nothing is open before the admin exists');
      const wrong = await setupWith(fresh.url, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'));
      assert.equal(wrong.status, 403);
      const weak = await setupWith(fresh.url, token, 'short');
      assert.equal(weak.status, 400);
      assert.match((await weak.json()).error, /at least 10 characters/);
      // sent together, once: one admin, not three
      const [made, ...others] = await Promise.all([setupWith(fresh.url, token), setupWith(fresh.url, token, 'eve-password-2', 'mal'), setupWith(fresh.url, token, 'eve-password-3', 'trent')]);
      assert.equal(made.status, 201);
      assert.deepEqual(others.map((r) => r.status), [409, 409]);
      const cookie = made.headers.get('set-cookie') ?? '';
      assert.match(cookie, /^conflux_session=cfx_s_[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=604800$/);
      const me = await fetch(`${fresh.url}/api/auth/me`, { headers: { cookie: cookie.split(';')[0] } });
      assert.deepEqual((await me.json()).user, { username: 'eve', role: 'admin' });
      assert.equal((await setupWith(fresh.url, token)).status, 409, 'the token works once');
      assert.equal((await fetch(`${fresh.url}/setup`, { redirect: 'manual' })).status, 307, 'the setup page now sends people to sign in');
    } finally {
      await fresh.stop();
    }
  });

  test('the audit log: who did what, from where, with refused attempts', async () => {
    const events = (await as('admin', 'GET', '/api/audit?action=flow.run&limit=50')).body.events as { actor: string; address: string; action: string; status: number; detail: string | null }[];
    const start = events.find((e) => e.actor === 'operator' && e.status === 200 && e.detail?.startsWith('start processor'));
    assert.ok(start, JSON.stringify(events.slice(0, 5)));
    assert.match(start.address, /127\.0\.0\.1/);
    assert.ok(events.some((e) => e.actor === 'viewer' && e.status === 403), 'refused attempts are recorded');
    const logins = (await as('admin', 'GET', '/api/audit?action=auth.login&actor=anonymous')).body.events as { status: number; detail: string }[];
    assert.ok(logins.some((e) => e.status === 401 && e.detail === 'as editor'), 'failed sign-ins are recorded with the name tried');
    assert.equal((await as('admin', 'GET', '/api/audit?limit=100000')).status, 400);
    assert.equal((await as('operator', 'GET', '/api/audit')).status, 401, 'the operator was disabled above');
    assert.equal((await as('editor', 'GET', '/api/audit')).status, 403);
  });
});
