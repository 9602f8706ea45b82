import { Can } from '@/components/auth/identity';
import { UserMenu } from '@/components/auth/user-menu';
import { CreateFlowForm } from '@/components/flows/create-flow-form';
import { FlowList } from '@/components/flows/flow-list';

/** The flow list: the entry point. Data is fetched in the browser from the flow API. */
export default function HomePage() {
  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-6 px-6 py-10">
      <header className="flex items-start gap-3">
        <div>
          <h1 className="text-lg font-semibold text-slate-900">Conflux</h1>
          <p className="text-sm text-slate-500">Dataflows: drag processors onto a canvas, wire them, watch records stream.</p>
        </div>
        <span className="ml-auto">
          <UserMenu />
        </span>
      </header>
      <Can role="editor">
        <CreateFlowForm />
      </Can>
      <FlowList />
    </main>
  );
}
