'use client';

import { memo, useEffect, useMemo, useRef } from 'react';
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import type { ProcessorStatus } from '@/engine/protocol';
import { specOf } from '@/engine/processors/specs';
import { relationshipsOf, type ValidationIssue } from '@/engine/sdk';
import { formatIssue, INPUT_HANDLE, localState, type ProcessorNode } from '@/components/editor/graph-model';
import { useEditor, useEditorActions } from '@/components/editor/store-context';
import { countOf } from '@/engine/protocol/views';
import { formatCount } from '@/components/editor/format';
import { cn } from '@/components/ui/cn';
import { BulletinLine, NodeStats, RelationshipHandles, StateIcon } from './node-parts';

/**
 * The one node type of the canvas. Everything type-specific comes from the processor's spec: whether
 * it has an input handle, and its relationships (declared plus configuration-dependent ones).
 */
function ProcessorNodeView({ id, data, selected }: NodeProps<ProcessorNode>) {
  const { processor } = data;
  const spec = specOf(processor.type);
  const status = useEditor((s) => s.stats?.processors[id] as ProcessorStatus | undefined);
  const issues = useEditor((s) => s.issues[id] as ValidationIssue[] | undefined);
  const pending = useEditor((s) => Boolean(s.pendingRuns[id] ?? s.pendingRuns['*']));
  const { run } = useEditorActions();

  const relationships = useMemo(
    () => (spec ? relationshipsOf(spec, processor.properties) : []),
    [spec, processor.properties],
  );

  // React Flow caches handle positions; a new route (RouteOnField) adds a handle it must measure.
  // Not on mount: React Flow measures new nodes itself, and an early call would resolve the initial
  // fitView while the other nodes are still unmeasured (the view would fit the first node only).
  const updateNodeInternals = useUpdateNodeInternals();
  const handleKey = relationships.join('\n');
  const measuredKey = useRef(handleKey);
  useEffect(() => {
    if (measuredKey.current === handleKey) return;
    measuredKey.current = handleKey;
    updateNodeInternals(id);
  }, [id, handleKey, updateNodeInternals]);

  // Live state from the engine when we have it; the saved run state and local checks until then.
  const state = status?.state ?? localState(processor, issues);
  const problems = status ? status.validationErrors : (issues ?? []).map(formatIssue);
  const count = processor.type === 'Count' ? countOf(status?.view) : undefined;
  const running = state === 'RUNNING';

  return (
    <div
      data-testid="processor-node"
      data-processor-id={id}
      data-processor-type={processor.type}
      data-state={state}
      className={cn(
        'relative w-52 rounded-md border bg-white text-xs shadow-sm',
        state === 'INVALID' ? 'border-red-400' : running ? 'border-emerald-400' : 'border-slate-300',
        selected && 'ring-2 ring-sky-400 ring-offset-1',
      )}
    >
      {spec?.input === 'required' && (
        <Handle
          type="target"
          position={Position.Left}
          id={INPUT_HANDLE}
          className="h-3 w-3 border-slate-500 bg-white"
        />
      )}

      <div className="flex items-center gap-1.5 px-2 pt-1.5 pb-1">
        <StateIcon state={state} problems={problems} />
        <div className="min-w-0 flex-1">
          <div className="truncate font-semibold text-slate-800" title={processor.name}>
            {processor.name}
          </div>
          <div className="truncate text-[11px] text-slate-400">
            {processor.type}
            {count !== undefined && <span className="text-slate-600"> · {formatCount(count)} counted</span>}
          </div>
        </div>
        <button
          type="button"
          disabled={pending}
          onClick={() => void run(running ? 'stop' : 'start', id)}
          title={running ? 'Stop this processor' : 'Start this processor'}
          className={cn(
            'nodrag shrink-0 rounded border px-1.5 py-0.5 text-[11px] leading-none disabled:opacity-50',
            running
              ? 'border-slate-300 text-slate-600 hover:bg-slate-100'
              : 'border-emerald-300 text-emerald-700 hover:bg-emerald-50',
          )}
        >
          {running ? '■' : '▶'}
        </button>
      </div>

      {status?.backPressured && (
        <div className="mx-2 mb-1 rounded bg-amber-50 px-1.5 py-0.5 text-[11px] text-amber-800">
          back pressure: an outgoing queue is full
        </div>
      )}
      <NodeStats status={status} />
      <BulletinLine bulletins={status?.bulletins ?? []} />
      <RelationshipHandles relationships={relationships} autoTerminated={processor.autoTerminated} />
    </div>
  );
}

export const ProcessorNodeComponent = memo(ProcessorNodeView);
