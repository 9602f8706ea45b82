'use client';

import { createContext, useContext, type ReactNode } from 'react';
import { hasRole, type Role } from '@/lib/auth/roles';

export interface SignedInUser {
  username: string;
  role: Role;
}

const IdentityContext = createContext<SignedInUser | null>(null);

/** Who is signed in, from the root layout (the gate checked it): the pages hide what the role cannot do. */
export function IdentityProvider({ user, children }: { user: SignedInUser | null; children: ReactNode }) {
  return <IdentityContext.Provider value={user}>{children}</IdentityContext.Provider>;
}

export const useIdentity = (): SignedInUser | null => useContext(IdentityContext);

/** Whether the signed-in user holds the role (the server checks again: this only hides controls). */
export function useCan(role: Role): boolean {
  const user = useIdentity();
  return user !== null && hasRole(user.role, role);
}

/** Its children only for users with the role. */
export function Can({ role, children }: { role: Role; children: ReactNode }) {
  return useCan(role) ? children : null;
}
