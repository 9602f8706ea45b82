import Link from 'next/link';
import { PasswordSection } from '@/components/auth/password-section';
import { TokensSection } from '@/components/auth/tokens-section';
import { UserMenu } from '@/components/auth/user-menu';

export const dynamic = 'force-dynamic';

/** Your password and your API tokens (for scripts and the CLI), whatever your role. */
export default function AccountPage() {
  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-8 px-6 py-10">
      <header className="flex items-center gap-3">
        <Link href="/" className="text-xs font-semibold tracking-wide text-sky-700 hover:underline">
          CONFLUX
        </Link>
        <h1 className="text-lg font-semibold text-slate-900">Your account</h1>
        <span className="ml-auto">
          <UserMenu />
        </span>
      </header>
      <PasswordSection />
      <TokensSection />
    </main>
  );
}
