import { PasswordSection } from '@/components/auth/password-section';
import { TokensSection } from '@/components/auth/tokens-section';
import { PageHeader } from '@/components/auth/page-header';

export const dynamic = 'force-dynamic';

/** Your password and your API tokens (for scripts and the CLI), whatever your role. */
export default function AccountPage() {
  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-8 px-6 py-10">
      <PageHeader title="Your account" />
      <PasswordSection />
      <TokensSection />
    </main>
  );
}
