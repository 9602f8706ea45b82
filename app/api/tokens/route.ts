import { NewTokenInput } from '@/lib/server/auth/accounts';
import { accounts, noteAudit, signedIn } from '@/lib/server/auth/request-identity';
import { readBody, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** Your API tokens (an admin: everyone's), without their values. */
export const GET = route(async (request) => Response.json({ tokens: await accounts().listTokens(signedIn(request)) }));

/** A new API token: its value is in this answer only. */
export const POST = route(async (request) => {
  const input = await readBody(request, NewTokenInput);
  const created = await accounts().createToken(signedIn(request), input);
  noteAudit(request, `token ${created.name} (${created.role})`);
  return Response.json({ token: created }, { status: 201 });
});
