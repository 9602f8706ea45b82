'use client';

import Link from 'next/link';
import { useIdentity } from './identity';

async function signOut() {
  await fetch('/api/auth/logout', { method: 'POST' });
  window.location.assign('/login');
}

/** The signed-in user and role (a link to their account page), the admin page for admins, and sign-out. */
export function UserMenu() {
  const user = useIdentity();
  if (!user) return null;
  return (
    <span className="flex items-center gap-2 text-xs text-slate-500" data-testid="user-menu">
      <Link href="/questions" className="text-sky-700 hover:underline" data-testid="questions-link">
        Questions
      </Link>
      <Link href="/account" className="hover:underline" title={`Signed in as ${user.username}, role ${user.role}: your password and API tokens`}>
        {user.username} · <span data-testid="user-role">{user.role}</span>
      </Link>
      {user.role === 'admin' && (
        <Link href="/admin" className="text-sky-700 hover:underline" data-testid="admin-link">
          Admin
        </Link>
      )}
      <button type="button" className="text-sky-700 hover:underline" data-testid="sign-out" onClick={() => void signOut()}>
        Sign out
      </button>
    </span>
  );
}
