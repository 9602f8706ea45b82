import { PageHeader } from '@/components/auth/page-header';
import { QuestionsView } from '@/components/questions/questions-view';

export const dynamic = 'force-dynamic';

/** The executives' questions, answered from the warehouse the store's flow loads. */
export default function QuestionsPage() {
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-6 py-10">
      <PageHeader title="Questions" />
      <QuestionsView />
    </main>
  );
}
