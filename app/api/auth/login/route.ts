import { Credentials } from '@/lib/server/auth/accounts';
import { accounts, noteAudit } from '@/lib/server/auth/request-identity';
import { sessionCookie } from '@/lib/server/auth/session-cookie';
import { readBody, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const POST = route(async (request) => {
  const input = await readBody(request, Credentials);
  noteAudit(request, `as ${input.username}`);
  const { user, sessionToken } = await accounts().login(input);
  return Response.json({ user }, { headers: { 'set-cookie': sessionCookie(sessionToken) } });
});
