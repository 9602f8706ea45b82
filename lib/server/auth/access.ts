import type { Role } from '../../auth/roles';

/**
 * Who may do what: the one table every HTTP request is checked against (by the gate in front of
 * Next, lib/server/auth/gate.ts) and every socket.io event (lib/server/live-bridge.ts). A route
 * missing here is refused for everyone: adding an API route means adding its line.
 *
 * `public`: anyone, signed in or not; `signed-in`: any role. `action` names the change in the audit
 * log: a rule with one is recorded, allowed or not.
 */
export type Need = 'public' | 'signed-in' | Role;

export interface AccessRule {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  need: Need;
  action?: string;
}

const rule = (method: AccessRule['method'], path: string, need: Need, action?: string): AccessRule => ({ method, path, need, action });

const FLOW = '/api/flows/:id';
export const API_RULES: readonly AccessRule[] = [
  rule('POST', '/api/auth/setup', 'public', 'auth.setup'),
  rule('POST', '/api/auth/login', 'public', 'auth.login'),
  rule('POST', '/api/auth/logout', 'signed-in', 'auth.logout'),
  rule('GET', '/api/auth/me', 'signed-in'),
  rule('PATCH', '/api/auth/me', 'signed-in', 'auth.password'),
  rule('GET', '/api/tokens', 'signed-in'),
  rule('POST', '/api/tokens', 'signed-in', 'token.create'),
  rule('DELETE', '/api/tokens/:tid', 'signed-in', 'token.delete'),
  rule('GET', '/api/users', 'admin'),
  rule('POST', '/api/users', 'admin', 'user.create'),
  rule('PATCH', '/api/users/:uid', 'admin', 'user.update'),
  rule('DELETE', '/api/users/:uid', 'admin', 'user.delete'),
  rule('GET', '/api/audit', 'admin'),

  rule('GET', '/api/questions', 'viewer'),
  rule('POST', '/api/warehouse/query', 'viewer', 'warehouse.query'),

  rule('GET', '/api/flows', 'viewer'),
  rule('POST', '/api/flows', 'editor', 'flow.create'),
  rule('GET', FLOW, 'viewer'),
  rule('PATCH', FLOW, 'editor', 'flow.update'),
  rule('DELETE', FLOW, 'editor', 'flow.delete'),
  rule('GET', `${FLOW}/status`, 'viewer'),
  rule('GET', `${FLOW}/history/:componentId`, 'viewer'),
  rule('POST', `${FLOW}/run`, 'operator', 'flow.run'),
  rule('POST', `${FLOW}/processors`, 'editor', 'processor.create'),
  rule('PATCH', `${FLOW}/processors/:pid`, 'editor', 'processor.update'),
  rule('DELETE', `${FLOW}/processors/:pid`, 'editor', 'processor.delete'),
  rule('GET', `${FLOW}/processors/:pid/state`, 'viewer'),
  rule('DELETE', `${FLOW}/processors/:pid/state`, 'editor', 'processor.clear-state'),
  rule('POST', `${FLOW}/connections`, 'editor', 'connection.create'),
  rule('PATCH', `${FLOW}/connections/:cid`, 'editor', 'connection.update'),
  rule('DELETE', `${FLOW}/connections/:cid`, 'editor', 'connection.delete'),
  rule('POST', `${FLOW}/connections/:cid/empty`, 'operator', 'connection.empty'),
  rule('GET', `${FLOW}/connections/:cid/queue`, 'viewer'),
  rule('GET', `${FLOW}/connections/:cid/queue/:rid`, 'viewer'),
  rule('GET', `${FLOW}/services`, 'viewer'),
  rule('POST', `${FLOW}/services`, 'editor', 'service.create'),
  rule('PATCH', `${FLOW}/services/:sid`, 'editor', 'service.update'),
  rule('DELETE', `${FLOW}/services/:sid`, 'editor', 'service.delete'),
];

/** Pages (GET only). Anything else that is not the API or Next's static files needs a viewer. */
export const PAGE_RULES: readonly AccessRule[] = [
  rule('GET', '/login', 'public'),
  rule('GET', '/setup', 'public'),
  rule('GET', '/admin', 'admin'),
];

/** Next's build output and the icon: the same for everyone, no data in them. */
const PUBLIC_ASSET = /^\/(_next\/static\/|icon\.svg$|favicon\.ico$)/;

/** Socket.io events a client may send, and what they need. */
export const SOCKET_RULES = { subscribe: 'viewer', unsubscribe: 'viewer' } as const satisfies Record<string, Need>;

const compiled = (rules: readonly AccessRule[]) =>
  rules.map((r) => ({ ...r, pattern: new RegExp(`^${r.path.replace(/:[a-zA-Z]+/g, '[^/]+')}/?$`) }));
const API = compiled(API_RULES);
const PAGES = compiled(PAGE_RULES);

/**
 * The rule for a request, or undefined (refused: no such route). HEAD is GET. Pages outside the
 * table are the editor's (a viewer's).
 */
export function ruleFor(method: string, pathname: string): AccessRule | undefined {
  const verb = method === 'HEAD' ? 'GET' : method;
  if (pathname === '/api' || pathname.startsWith('/api/')) return API.find((r) => r.method === verb && r.pattern.test(pathname));
  if (PUBLIC_ASSET.test(pathname)) return verb === 'GET' ? rule('GET', pathname, 'public') : undefined;
  if (verb !== 'GET') return undefined;
  return PAGES.find((r) => r.pattern.test(pathname)) ?? rule('GET', pathname, 'viewer');
}
