import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/auth/sign-in-form';
import { accounts } from '@/lib/server/auth/request-identity';

export const dynamic = 'force-dynamic';

/** The first admin, once: with the token the server printed in its console. */
export default async function SetupPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  if (!accounts().needsSetup) redirect('/login');
  const { token } = await searchParams;
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-4">
      <h1 className="text-lg font-semibold text-slate-900">Set up Conflux</h1>
      {typeof token === 'string' && token ? (
        <>
          <p className="max-w-sm text-center text-xs text-slate-500">Create the first admin. Admins add the other users, with their roles, on the Admin page.</p>
          <SignInForm setupToken={token} />
        </>
      ) : (
        <p className="max-w-sm text-center text-sm text-slate-600" data-testid="setup-needs-token">
          No user exists yet. Open the setup link the server printed in its console when it started (it holds a one-time token).
        </p>
      )}
    </main>
  );
}
