'use client';

import Link from 'next/link';
import { useIdentity } from './identity';

async function signOut() {
  await fetch('/api/auth/logout', { method: 'POST' });
  window.location.assign('/login');
}

/** The signed-in user, their role, the admin page for admins, and sign-out. */
export function UserMenu() {
  const user = useIdentity();
  if (!user) return null;
  return (
    <span className="flex items-center gap-2 text-xs text-slate-500" data-testid="user-menu">
      <span title={`signed in as ${user.username}, role ${user.role}`}>
        {user.username} · <span data-testid="user-role">{user.role}</span>
      </span>
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
