import { z } from 'zod';

/**
 * The roles, each allowed everything the ones before it are: a viewer sees flows, stats and
 * records; an operator also starts and stops processors and empties queues; an editor also changes
 * flows and services; an admin also manages users and reads the audit log.
 */
export const ROLES = ['viewer', 'operator', 'editor', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const hasRole = (held: Role, needed: Role): boolean => ROLES.indexOf(held) >= ROLES.indexOf(needed);

/** Who a request acts for: a signed-in user, through a browser session or an API token. */
export interface Identity {
  userId: string;
  username: string;
  /** The session's user role, or the token's (never above its user's). */
  role: Role;
  /** Set when an API token authenticated the request. */
  tokenId?: string;
  tokenName?: string;
  sessionId?: string;
}

/** How the audit log names an identity. */
export const actorOf = (identity: Identity | undefined): string =>
  identity === undefined ? 'anonymous' : identity.tokenName ? `${identity.username} (token ${identity.tokenName})` : identity.username;
