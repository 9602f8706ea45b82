import type { Metadata } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { IdentityProvider } from '@/components/auth/identity';
import { IDENTITY_HEADER, decodeIdentity } from '@/lib/server/auth/request-identity';
import './globals.css';

export const metadata: Metadata = {
  title: 'Conflux',
  description: 'Visual dataflow platform: a live canvas over a streaming engine.',
  icons: { icon: '/icon.svg' },
};

/** Root layout. Fonts come from the system stack (Tailwind's font-sans): the machine is offline. */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const identity = decodeIdentity((await headers()).get(IDENTITY_HEADER));
  const user = identity ? { username: identity.username, role: identity.role } : null;
  return (
    <html lang="en">
      <body className="font-sans text-sm">
        <IdentityProvider user={user}>{children}</IdentityProvider>
      </body>
    </html>
  );
}
