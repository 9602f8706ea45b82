'use client';

import { useEffect } from 'react';
import Link from 'next/link';
import { ReactFlowProvider } from '@xyflow/react';
import { Can } from '@/components/auth/identity';
import { FlowCanvas } from '@/components/canvas/flow-canvas';
import { Palette } from '@/components/palette/palette';
import { SidePanel } from '@/components/panel/side-panel';
import { Notices } from './notices';
import { EditorStoreProvider, useEditor, useEditorActions } from './store-context';
import { Toolbar } from './toolbar';
import { useLiveStats } from './use-live-stats';

/** The flow editor: one store and one React Flow instance per flow. */
export function FlowEditor({ flowId }: { flowId: string }) {
  return (
    <EditorStoreProvider key={flowId} flowId={flowId}>
      <ReactFlowProvider>
        <EditorShell flowId={flowId} />
      </ReactFlowProvider>
    </EditorStoreProvider>
  );
}

function EditorShell({ flowId }: { flowId: string }) {
  const { load } = useEditorActions();
  useEffect(() => void load(), [load]);
  useLiveStats(flowId);

  return (
    <div className="flex h-screen flex-col overflow-hidden">
      <Toolbar />
      <div className="flex min-h-0 flex-1">
        <Can role="editor">
          <Palette />
        </Can>
        <main className="relative min-w-0 flex-1">
          <CanvasOrStatus />
        </main>
        <SidePanel />
      </div>
      <Notices />
    </div>
  );
}

/**
 * React Flow mounts only once the graph is here, so its `fitView` sees the real nodes instead of
 * fitting an empty canvas.
 */
function CanvasOrStatus() {
  const loaded = useEditor((s) => s.graph !== null);
  const loadError = useEditor((s) => s.loadError);
  if (loaded) return <FlowCanvas />;
  return (
    <div className="flex h-full items-center justify-center text-sm text-slate-500">
      {loadError ? (
        <div className="text-center">
          <p className="font-medium text-red-700">Could not load the flow: {loadError}</p>
          <Link href="/" className="mt-2 inline-block text-sky-700 hover:underline">
            Back to the flows
          </Link>
        </div>
      ) : (
        'Loading flow…'
      )}
    </div>
  );
}
