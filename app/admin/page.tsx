import { AuditSection } from '@/components/auth/audit-section';
import { TokensSection } from '@/components/auth/tokens-section';
import { PageHeader } from '@/components/auth/page-header';
import { UsersSection } from '@/components/auth/users-section';

export const dynamic = 'force-dynamic';

/** Users and roles, API tokens, the audit log: admins only (the gate refuses the others). */
export default function AdminPage() {
  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-8 px-6 py-10">
      <PageHeader title="Admin" />
      <UsersSection />
      <TokensSection />
      <AuditSection />
    </main>
  );
}
