import Link from 'next/link';
import { AuditSection } from '@/components/auth/audit-section';
import { TokensSection } from '@/components/auth/tokens-section';
import { UserMenu } from '@/components/auth/user-menu';
import { UsersSection } from '@/components/auth/users-section';

export const dynamic = 'force-dynamic';

/** Users and roles, API tokens, the audit log: admins only (the gate refuses the others). */
export default function AdminPage() {
  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-8 px-6 py-10">
      <header className="flex items-center gap-3">
        <Link href="/" className="text-xs font-semibold tracking-wide text-sky-700 hover:underline">
          CONFLUX
        </Link>
        <h1 className="text-lg font-semibold text-slate-900">Admin</h1>
        <span className="ml-auto">
          <UserMenu />
        </span>
      </header>
      <UsersSection />
      <TokensSection />
      <AuditSection />
    </main>
  );
}
