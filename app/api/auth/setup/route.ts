import { SetupInput } from '@/lib/server/auth/accounts';
import { accounts, noteAudit } from '@/lib/server/auth/request-identity';
import { sessionCookie } from '@/lib/server/auth/session-cookie';
import { readBody, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** The first admin, with the one-time token the server printed; signs them in. */
export const POST = route(async (request) => {
  const input = await readBody(request, SetupInput);
  noteAudit(request, `first admin ${input.username}`);
  const { user, sessionToken } = await accounts().setup(input);
  return Response.json({ user }, { status: 201, headers: { 'set-cookie': sessionCookie(sessionToken) } });
});
