import { HttpError } from '../http-error';
import type { Accounts } from './accounts';
import type { Identity } from '../../auth/roles';

/**
 * The handoff between the gate (in front of Next) and the route handlers (inside Next's bundles):
 * the gate puts the identity it checked in a request header it controls (a client's own copy is
 * removed first), and the accounts in globalThis, as lib/server/context.ts does for the flows.
 */
export const IDENTITY_HEADER = 'x-conflux-identity';
export const REQUEST_ID_HEADER = 'x-conflux-request';

const KEY = Symbol.for('conflux.accounts');
type Holder = { [KEY]?: { accounts: Accounts; details: Map<string, string> } };

export function setAccounts(accounts: Accounts): void {
  (globalThis as Holder)[KEY] = { accounts, details: new Map() };
}

function holder() {
  const held = (globalThis as Holder)[KEY];
  if (!held) throw new Error('accounts are not set up in this process: start the app with `npm start`');
  return held;
}

export const accounts = (): Accounts => holder().accounts;

export const encodeIdentity = (identity: Identity): string => Buffer.from(JSON.stringify(identity)).toString('base64url');

export const decodeIdentity = (value: string | null | undefined): Identity | undefined =>
  value ? (JSON.parse(Buffer.from(value, 'base64url').toString()) as Identity) : undefined;

/** The identity the gate let through, if any (public routes have none when nobody is signed in). */
export const identityOf = (request: Request): Identity | undefined => decodeIdentity(request.headers.get(IDENTITY_HEADER));

export function signedIn(request: Request): Identity {
  const identity = identityOf(request);
  if (!identity) throw new HttpError(401, 'sign in first');
  return identity;
}

/** Words for the audit log's line of this request (which processor was started, as whom one signed in). */
export function noteAudit(request: Request, detail: string): void {
  const id = request.headers.get(REQUEST_ID_HEADER);
  if (id) holder().details.set(id, detail.slice(0, 500));
}

/** The gate takes the note when the answer is sent. */
export function takeAuditNote(id: string): string | undefined {
  const { details } = holder();
  const detail = details.get(id);
  details.delete(id);
  return detail;
}
