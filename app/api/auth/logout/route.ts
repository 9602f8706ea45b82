import { accounts, signedIn } from '@/lib/server/auth/request-identity';
import { sessionCookie } from '@/lib/server/auth/session-cookie';
import { route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const POST = route(async (request) => {
  await accounts().logout(signedIn(request));
  return new Response(null, { status: 204, headers: { 'set-cookie': sessionCookie(null) } });
});
