import { SESSION_COOKIE, SESSION_TTL_MS } from './accounts';

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Lax (not sent with another site's
 * POST), Secure when Conflux is served over https (CONFLUX_PUBLIC_URL). null clears it.
 */
export function sessionCookie(token: string | null): string {
  const secure = process.env.CONFLUX_PUBLIC_URL?.startsWith('https:') ? '; Secure' : '';
  const life = token === null ? 'Max-Age=0' : `Max-Age=${SESSION_TTL_MS / 1000}`;
  return `${SESSION_COOKIE}=${token ?? ''}; Path=/; HttpOnly; SameSite=Lax; ${life}${secure}`;
}
