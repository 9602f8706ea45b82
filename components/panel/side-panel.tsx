'use client';

import { useEditor } from '@/components/editor/store-context';
import { ServicesPanel } from '@/components/services/services-panel';
import { ConnectionPanel } from './connection-panel';
import { ProcessorPanel } from './processor-panel';

/** Right-hand panel: the selected processor or connection, the flow's services, or a hint when nothing is selected. */
export function SidePanel() {
  const selection = useEditor((s) => s.selection);
  const graph = useEditor((s) => s.graph);

  let body = (
    <div className="p-4 text-xs leading-relaxed text-slate-500">
      <p className="font-medium text-slate-700">Nothing selected</p>
      <p className="mt-1">Select a processor to configure it, or a connection to set its queue.</p>
      <p className="mt-1">Drag from a relationship on the right of a processor to the input of another to connect them.</p>
    </div>
  );
  if (graph && selection?.kind === 'services') {
    body = <ServicesPanel graph={graph} openId={selection.id} />;
  } else if (graph && selection?.kind === 'processor') {
    const processor = graph.processors.find((p) => p.id === selection.id);
    // Keyed by id: a different processor starts a fresh draft.
    if (processor) body = <ProcessorPanel key={processor.id} processor={processor} graph={graph} />;
  } else if (graph && selection?.kind === 'connection') {
    const connection = graph.connections.find((c) => c.id === selection.id);
    if (connection) {
      // Keyed by its settings too: a change saved elsewhere resets the form to it.
      const { id, countThreshold, bytesThreshold, prioritizer, expirationMs } = connection;
      const key = `${id}:${countThreshold}:${bytesThreshold}:${prioritizer}:${expirationMs}`;
      body = <ConnectionPanel key={key} connection={connection} graph={graph} />;
    }
  }

  return (
    <aside
      data-testid="side-panel"
      className="flex w-80 shrink-0 flex-col overflow-x-hidden overflow-y-auto border-l border-slate-200 bg-white"
    >
      {body}
    </aside>
  );
}
