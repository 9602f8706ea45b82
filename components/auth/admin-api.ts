import { z } from 'zod';
import { request } from '@/components/editor/api';
import { Role } from '@/lib/auth/roles';

/** The accounts API for the admin page, answers checked with zod like the flow API's. */

export const User = z.object({ id: z.string(), username: z.string(), role: Role, disabled: z.boolean(), createdAt: z.string() });
export type User = z.infer<typeof User>;
export const Token = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  owner: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Token = z.infer<typeof Token>;
export const AuditEvent = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  address: z.string(),
  action: z.string(),
  method: z.string(),
  path: z.string(),
  status: z.number(),
  detail: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const listUsers = async () => (await request('GET', '/api/users', z.object({ users: z.array(User) }))).users;
export const createUser = async (input: { username: string; password: string; role: Role }) =>
  (await request('POST', '/api/users', z.object({ user: User }), input)).user;
export const updateUser = async (id: string, patch: { role?: Role; disabled?: boolean; password?: string }) =>
  (await request('PATCH', `/api/users/${encodeURIComponent(id)}`, z.object({ user: User }), patch)).user;
export const deleteUser = (id: string) => request('DELETE', `/api/users/${encodeURIComponent(id)}`, z.unknown());

export const listTokens = async () => (await request('GET', '/api/tokens', z.object({ tokens: z.array(Token) }))).tokens;
export const createToken = async (input: { name: string; role?: Role; expiresInDays?: number }) =>
  (await request('POST', '/api/tokens', z.object({ token: Token.extend({ token: z.string() }) }), input)).token;
export const deleteToken = (id: string) => request('DELETE', `/api/tokens/${encodeURIComponent(id)}`, z.unknown());

export async function listAudit(filter: { actor?: string; action?: string }): Promise<AuditEvent[]> {
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]);
  return (await request('GET', `/api/audit?${query}`, z.object({ events: z.array(AuditEvent) }))).events;
}
