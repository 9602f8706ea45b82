import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { refuse, type Refusal } from '../request-guard';
import { ruleFor, type AccessRule } from './access';
import { SESSION_COOKIE, type Accounts } from './accounts';
import { IDENTITY_HEADER, REQUEST_ID_HEADER, encodeIdentity, takeAuditNote } from './request-identity';
import { actorOf, hasRole, type Identity } from '../../auth/roles';

/** The credentials a request carries: the session cookie, or `Authorization: Bearer <API token>`. */
export function credentialsOf(headers: IncomingMessage['headers']): { sessionToken?: string; bearer?: string } {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  return { bearer, sessionToken: cookie(headers.cookie, SESSION_COOKIE) };
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The one access check of every HTTP request, before Next sees it: the rule of its route
 * (./access), the identity from its credentials, 401/403 or a redirect to sign in when they do not
 * match, and the audit line of every rule with an action, written when the answer is sent.
 * Returns whether Next should answer.
 */
export function accessGate(accounts: Accounts) {
  return async function admit(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const { pathname, search } = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    // only the gate says who a request is
    delete request.headers[IDENTITY_HEADER];
    delete request.headers[REQUEST_ID_HEADER];
    const api = pathname === '/api' || pathname.startsWith('/api/');
    if (!decodable(pathname)) {
      refuse(request, response, { status: 400, error: `the path ${pathname.slice(0, 200)} has a malformed %-escape` });
      return false;
    }

    const rule = ruleFor(method, pathname);
    if (!rule) {
      refuse(request, response, { status: api ? 404 : 405, error: `no ${method} ${pathname} here` });
      return false;
    }
    let identity: Identity | undefined;
    try {
      identity = await accounts.authenticate(credentialsOf(request.headers));
    } catch (error) {
      console.error(`checking the credentials of ${method} ${pathname} failed: ${(error as Error).message}`);
      refuse(request, response, { status: 503, error: 'the account store cannot be read right now: try again' });
      return false;
    }
    if (rule.action) audit(accounts, request, response, rule, identity, pathname);

    const refusal = refusalOf(rule, identity);
    if (refusal && !api && !identity) {
      const next = encodeURIComponent(pathname + search);
      response.writeHead(303, { location: accounts.needsSetup ? '/setup' : `/login?next=${next}` }).end();
      return false;
    }
    if (refusal) {
      refuse(request, response, refusal);
      return false;
    }
    if (identity) request.headers[IDENTITY_HEADER] = encodeIdentity(identity);
    return true;
  };
}

function refusalOf(rule: AccessRule, identity: Identity | undefined): Refusal | undefined {
  if (rule.need === 'public') return undefined;
  if (!identity) return { status: 401, error: 'sign in first (a session cookie, or Authorization: Bearer <API token>)' };
  if (rule.need === 'signed-in' || hasRole(identity.role, rule.need)) return undefined;
  return { status: 403, error: `this needs the ${rule.need} role; ${identity.username} is ${article(identity.role)} ${identity.role}` };
}

const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');

function audit(accounts: Accounts, request: IncomingMessage, response: ServerResponse, rule: AccessRule, identity: Identity | undefined, path: string): void {
  const id = randomUUID();
  request.headers[REQUEST_ID_HEADER] = id;
  const address = request.socket.remoteAddress ?? 'unknown';
  // on close, which follows finish: a request the client gave up on before its answer is recorded as 499
  response.once('close', () => {
    const status = response.writableFinished ? response.statusCode : 499;
    const event = { actor: actorOf(identity), address, action: rule.action!, method: rule.method, path, status, detail: takeAuditNote(id) ?? null };
    accounts.audit(event).catch((error) => console.error(`the audit log could not record ${rule.action} by ${event.actor}: ${(error as Error).message}`));
  });
}

/** Next would fail (500) on a path whose %-escapes do not decode: refuse it first. */
function decodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}
