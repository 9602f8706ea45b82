'use client';

import Link from 'next/link';
import { Can } from '@/components/auth/identity';
import { UserMenu } from '@/components/auth/user-menu';
import { Button } from '@/components/ui/button';
import { EngineLag } from './engine-lag';
import { FlowName } from './flow-name';
import { FlowSettingsButton } from './flow-settings';
import { LiveStatus } from './live-status';
import { ServicesButton } from './services-button';
import { useEditor, useEditorActions } from './store-context';

function RunSummary() {
  const total = useEditor((s) => s.graph?.processors.length ?? 0);
  const running = useEditor((s) => s.graph?.processors.filter((p) => p.runState === 'RUNNING').length ?? 0);
  return (
    <span className="text-xs text-slate-500 tabular-nums">
      {running} / {total} running
    </span>
  );
}

/** Top bar: back to the list, flow name, whole-flow start/stop (operators), services, flow settings, engine lag, live channel state, the user. */
export function Toolbar() {
  const pending = useEditor((s) => Boolean(s.pendingRuns['*']));
  const loaded = useEditor((s) => s.graph !== null);
  const { run } = useEditorActions();

  return (
    <header className="flex h-11 shrink-0 items-center gap-3 border-b border-slate-200 bg-white px-3">
      <Link href="/" className="text-xs font-semibold tracking-wide text-sky-700 hover:underline">
        CONFLUX
      </Link>
      <span className="text-slate-300">/</span>
      <FlowName />
      <Can role="operator">
        <div className="ml-2 flex items-center gap-1.5">
          <Button tone="go" data-testid="flow-start" disabled={!loaded || pending} onClick={() => void run('start')}>
            ▶ Start flow
          </Button>
          <Button data-testid="flow-stop" disabled={!loaded || pending} onClick={() => void run('stop')}>
            ■ Stop flow
          </Button>
        </div>
      </Can>
      <RunSummary />
      <div className="ml-auto flex items-center gap-3">
        <ServicesButton />
        <FlowSettingsButton />
        <EngineLag />
        <LiveStatus />
        <UserMenu />
      </div>
    </header>
  );
}
