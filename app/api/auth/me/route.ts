import { PasswordChange } from '@/lib/server/auth/accounts';
import { accounts, signedIn } from '@/lib/server/auth/request-identity';
import { noContent, readBody, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

/** Who is signed in, with which role (the editor hides what the role cannot do). */
export const GET = route(async (request) => {
  const { username, role, tokenName } = signedIn(request);
  return Response.json({ user: { username, role, tokenName } });
});

/** A new password, given the current one; the user's other sessions end. */
export const PATCH = route(async (request) => {
  await accounts().changePassword(signedIn(request), await readBody(request, PasswordChange));
  return noContent();
});
