import { accounts, noteAudit, signedIn } from '@/lib/server/auth/request-identity';
import { noContent, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';

export const DELETE = route<{ tid: string }>(async (request, { tid }) => {
  noteAudit(request, `token ${await accounts().deleteToken(signedIn(request), tid)}`);
  return noContent();
});
