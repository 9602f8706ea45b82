import { UserPatch } from '@/lib/server/auth/accounts';
import { accounts, noteAudit, signedIn } from '@/lib/server/auth/request-identity';
import { noContent, readBody, route } from '@/lib/server/route';

export const dynamic = 'force-dynamic';
type Params = { uid: string };

/** Role, password or disabled: the user's sessions end (an admin's own stays). */
export const PATCH = route<Params>(async (request, { uid }) => {
  const patch = await readBody(request, UserPatch);
  const user = await accounts().updateUser(signedIn(request), uid, patch);
  const changes = [patch.role && `role ${patch.role}`, patch.password && 'password', patch.disabled !== undefined && (patch.disabled ? 'disabled' : 'enabled')];
  noteAudit(request, `${user.username}: ${changes.filter(Boolean).join(', ')}`);
  return Response.json({ user });
});

export const DELETE = route<Params>(async (request, { uid }) => {
  noteAudit(request, await accounts().deleteUser(signedIn(request), uid));
  return noContent();
});
