import Link from 'next/link';
import { UserMenu } from './user-menu';

/** The header of the account and admin pages: back to the flows, the title, the signed-in user. */
export function PageHeader({ title }: { title: string }) {
  return (
    <header className="flex items-center gap-3">
      <Link href="/" className="text-xs font-semibold tracking-wide text-sky-700 hover:underline">
        CONFLUX
      </Link>
      <h1 className="text-lg font-semibold text-slate-900">{title}</h1>
      <span className="ml-auto">
        <UserMenu />
      </span>
    </header>
  );
}
