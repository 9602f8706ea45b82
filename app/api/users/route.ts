import { NewUserInput } from '@/lib/server/auth/accounts';
import { accounts, noteAudit } from '@/lib/server/auth/request-identity';
import { readBody, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const GET = route(async () => Response.json({ users: await accounts().listUsers() }));

export const POST = route(async (request) => {
  const input = await readBody(request, NewUserInput);
  noteAudit(request, `${input.username} as ${input.role}`);
  return Response.json({ user: await accounts().createUser(input) }, { status: 201 });
});
