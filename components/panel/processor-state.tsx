'use client';

import { useCan } from '@/components/auth/identity';
import { useCallback, useEffect, useState } from 'react';
import { clearProcessorState, describeError, getProcessorState } from '@/components/editor/api';
import { useEditor, useEditorActions } from '@/components/editor/store-context';
import { Button } from '@/components/ui/button';

/** How often a running processor's state is read again while its panel is open. */
const REFRESH_MS = 5_000;
/** State is small by design (watermarks, offsets); anything longer is cut for display. */
const MAX_SHOWN = 1_000;

const show = (state: unknown) => {
  const text = JSON.stringify(state);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
};

/**
 * The processor's committed state (a watermark, offsets): what the next run resumes from. Clearing
 * it (stopped processors only) makes the next run start from scratch, e.g. a full reload.
 */
export function ProcessorState({ processorId, running }: { processorId: string; running: boolean }) {
  const flowId = useEditor((s) => s.flowId);
  const canEdit = useCan('editor');
  const { notify } = useEditorActions();
  const [state, setState] = useState<{ value: unknown } | null>(null);
  const [confirming, setConfirming] = useState(false);

  const refresh = useCallback(async () => {
    try {
      setState({ value: await getProcessorState(flowId, processorId) });
    } catch {
      // keep what is shown: the next refresh may succeed
    }
  }, [flowId, processorId]);

  useEffect(() => {
    void refresh();
    if (!running) return;
    const timer = setInterval(() => document.visibilityState === 'visible' && void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh, running]);

  const clear = async () => {
    setConfirming(false);
    try {
      await clearProcessorState(flowId, processorId);
      notify('info', 'State cleared: the next run starts from scratch');
    } catch (error) {
      const { message, detail } = describeError(error);
      notify('error', `Clearing the state: ${message}`, detail);
    }
    await refresh();
  };

  const hasState = state !== null && state.value !== null;
  return (
    <section className="flex flex-col gap-1">
      <div className="flex items-center gap-2">
        <h4 className="text-[10px] font-semibold tracking-wider text-slate-400 uppercase">State</h4>
        {hasState && !running && !confirming && canEdit && (
          <Button data-testid="state-clear" className="ml-auto px-1.5 py-0" onClick={() => setConfirming(true)} title="Forget the committed state">
            Clear state
          </Button>
        )}
        {confirming && (
          <span className="ml-auto flex items-center gap-1 text-[11px] text-slate-600">
            Start from scratch?
            <Button tone="danger" data-testid="state-clear-confirm" className="px-1.5 py-0" onClick={() => void clear()}>
              Clear
            </Button>
            <Button className="px-1.5 py-0" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </span>
        )}
      </div>
      <pre data-testid="processor-state" className="max-h-24 overflow-auto rounded bg-slate-50 px-2 py-1 font-mono text-[11px] break-all whitespace-pre-wrap text-slate-700">
        {state === null ? '…' : hasState ? show(state.value) : 'none'}
      </pre>
    </section>
  );
}
