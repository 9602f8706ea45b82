import { SignInForm } from '@/components/auth/sign-in-form';

export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-4">
      <h1 className="text-lg font-semibold text-slate-900">Sign in to Conflux</h1>
      <SignInForm next={typeof next === 'string' ? next : undefined} />
    </main>
  );
}
