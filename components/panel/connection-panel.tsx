'use client';

import { useState, type FormEvent } from 'react';
import { UpdateConnectionInput, type ConnectionConfig, type FlowGraph } from '@/engine/flow/schema';
import type { ConnectionStatus } from '@/engine/protocol';
import { ApiError, describeError } from '@/components/editor/api';
import { formatBytes, formatCount } from '@/components/editor/format';
import { useEditor, useEditorActions } from '@/components/editor/store-context';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { splitIssues } from './form-model';

const toNumber = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** The selected connection: where it goes, its live queue, its back-pressure thresholds, delete. */
export function ConnectionPanel({ connection, graph }: { connection: ConnectionConfig; graph: FlowGraph }) {
  const { updateConnection, deleteElements, emptyConnection, notify } = useEditorActions();
  const status = useEditor((s) => s.stats?.connections[connection.id] as ConnectionStatus | undefined);
  const [count, setCount] = useState(String(connection.countThreshold));
  const [bytes, setBytes] = useState(String(connection.bytesThreshold));
  const [serverErrors, setServerErrors] = useState<Record<string, string[]>>({});
  const [saving, setSaving] = useState(false);

  const nameOf = (id: string) => graph.processors.find((p) => p.id === id)?.name ?? id;
  const patch = { countThreshold: toNumber(count), bytesThreshold: toNumber(bytes) };
  // The same schema the route handler parses the PATCH with.
  const check = UpdateConnectionInput.safeParse(patch);
  const live = check.success
    ? {}
    : splitIssues(check.error.issues.map((i) => ({ property: String(i.path[0] ?? ''), message: i.message }))).byProperty;
  const errorsOf = (key: string) => [...(live[key] ?? []), ...(serverErrors[key] ?? [])];

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!check.success) return;
    setSaving(true);
    try {
      await updateConnection(connection.id, check.data);
      setServerErrors({});
      notify('info', 'Thresholds saved');
    } catch (error) {
      if (error instanceof ApiError && error.issues.length > 0) setServerErrors(splitIssues(error.issues).byProperty);
      const { message, detail } = describeError(error);
      notify('error', `Saving the thresholds: ${message}`, detail);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="flex flex-col">
      <div className="flex flex-col gap-1 border-b border-slate-200 p-3">
        <span className="text-[10px] font-semibold tracking-wider text-slate-400 uppercase">Connection</span>
        <p className="text-xs text-slate-800">
          <span className="font-semibold">{nameOf(connection.sourceId)}</span>
          <span className="mx-1 rounded bg-slate-100 px-1 text-[11px] text-slate-600">{connection.relationship}</span>→{' '}
          <span className="font-semibold">{nameOf(connection.targetId)}</span>
        </p>
        <p className="text-[11px] text-slate-500 tabular-nums">
          {status
            ? `${formatCount(status.queued)} queued (${formatBytes(status.bytes)}), ${Math.round(status.percent)} % full${status.backPressure ? ' · back pressure' : ''}`
            : 'No live stats yet.'}
        </p>
      </div>
      <form onSubmit={save} noValidate className="flex flex-col gap-3 p-3">
        <h4 className="text-[10px] font-semibold tracking-wider text-slate-400 uppercase">Back pressure</h4>
        <Field
          id="conn-count-threshold"
          label="Object threshold"
          description="Upstream stops being scheduled when this many records are queued."
          errors={errorsOf('countThreshold')}
          errorTestId="error-countThreshold"
        >
          <input
            id="conn-count-threshold"
            name="conn-count-threshold"
            type="number"
            min={1}
            step={1}
            value={count}
            onChange={(e) => setCount(e.target.value)}
            aria-invalid={errorsOf('countThreshold').length > 0}
            className={`${inputClass} tabular-nums`}
          />
        </Field>
        <Field
          id="conn-bytes-threshold"
          label="Size threshold (bytes)"
          description={`Or when the queued records reach this size (${formatBytes(toNumber(bytes) ?? 0)}).`}
          errors={errorsOf('bytesThreshold')}
          errorTestId="error-bytesThreshold"
        >
          <input
            id="conn-bytes-threshold"
            name="conn-bytes-threshold"
            type="number"
            min={1024}
            step={1}
            value={bytes}
            onChange={(e) => setBytes(e.target.value)}
            aria-invalid={errorsOf('bytesThreshold').length > 0}
            className={`${inputClass} tabular-nums`}
          />
        </Field>
        <div className="flex items-center gap-1.5">
          <Button type="submit" tone="primary" data-testid="conn-save" disabled={saving || !check.success}>
            {saving ? 'Saving…' : 'Save'}
          </Button>
          <Button
            data-testid="conn-empty"
            className="ml-auto"
            disabled={!status || status.queued === 0}
            title="Drop every record waiting in this queue"
            onClick={() => void emptyConnection(connection.id)}
          >
            Empty queue
          </Button>
          <Button
            tone="danger"
            data-testid="conn-delete"
            title="Only an empty queue can be deleted"
            onClick={() => void deleteElements([], [connection.id])}
          >
            Delete
          </Button>
        </div>
      </form>
    </div>
  );
}
