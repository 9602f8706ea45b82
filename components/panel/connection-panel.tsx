'use client';

import { Can } from '@/components/auth/identity';
import { useState, type FormEvent } from 'react';
import { UpdateConnectionInput, type ConnectionConfig, type FlowGraph } from '@/engine/flow/schema';
import { ApiError, describeError } from '@/components/editor/api';
import { formatBytes, formatDuration } from '@/components/editor/format';
import { useEditor, useEditorActions } from '@/components/editor/store-context';
import { Button } from '@/components/ui/button';
import { Field, inputClass, WholeNumberInput } from '@/components/ui/field';
import { ConnectionStatus } from './connection-status';
import { QueueListing } from './queue-listing';
import { splitIssues } from './form-model';

type Prioritizer = ConnectionConfig['prioritizer'];

const toNumber = (text: string) => (text.trim() === '' ? undefined : Number(text));
const sectionTitle = 'text-[10px] font-semibold tracking-wider text-slate-400 uppercase';

const prioritizers: { value: Prioritizer; label: string; description: string }[] = [
  { value: 'FIFO', label: 'First in, first out', description: 'Records leave in the order they arrived in this queue.' },
  { value: 'OLDEST_FIRST', label: 'Oldest first', description: 'The record that entered the flow earliest goes next.' },
  { value: 'NEWEST_FIRST', label: 'Newest first', description: 'The latest record goes next: freshness over order.' },
  {
    value: 'PRIORITY_ATTRIBUTE',
    label: 'Priority attribute',
    description: 'Lowest `priority` attribute first (numbers numerically); records without it last.',
  },
];

/** The selected connection: where it goes, its live queue, its settings (thresholds, order, expiration), delete. */
export function ConnectionPanel({ connection, graph }: { connection: ConnectionConfig; graph: FlowGraph }) {
  const { updateConnection, deleteElements, emptyConnection, notify } = useEditorActions();
  const queued = useEditor((s) => s.stats?.connections[connection.id]?.queued ?? 0);
  const [count, setCount] = useState(String(connection.countThreshold));
  const [bytes, setBytes] = useState(String(connection.bytesThreshold));
  const [prioritizer, setPrioritizer] = useState<Prioritizer>(connection.prioritizer);
  const [expiration, setExpiration] = useState(String(connection.expirationMs));
  const [durable, setDurable] = useState(connection.durable);
  const [serverErrors, setServerErrors] = useState<Record<string, string[]>>({});
  const [saving, setSaving] = useState(false);

  const nameOf = (id: string) => graph.processors.find((p) => p.id === id)?.name ?? id;
  const patch = {
    countThreshold: toNumber(count),
    bytesThreshold: toNumber(bytes),
    prioritizer,
    expirationMs: toNumber(expiration),
    durable,
  };
  // The same schema the route handler parses the PATCH with.
  const check = UpdateConnectionInput.safeParse(patch);
  const live = check.success
    ? {}
    : splitIssues(check.error.issues.map((i) => ({ property: String(i.path[0] ?? ''), message: i.message }))).byProperty;
  const errorsOf = (key: string) => [...(live[key] ?? []), ...(serverErrors[key] ?? [])];
  const expirationMs = toNumber(expiration);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!check.success) return;
    setSaving(true);
    try {
      await updateConnection(connection.id, check.data);
      setServerErrors({});
      notify('info', 'Connection saved');
    } catch (error) {
      if (error instanceof ApiError && error.issues.length > 0) setServerErrors(splitIssues(error.issues).byProperty);
      const { message, detail } = describeError(error);
      notify('error', `Saving the connection: ${message}`, detail);
    } finally {
      setSaving(false);
    }
  };

  const numberInput = (name: string, key: string, value: string, set: (v: string) => void, min: number) => (
    <WholeNumberInput name={name} value={value} onChange={set} min={min} invalid={errorsOf(key).length > 0} />
  );

  return (
    <div className="flex flex-col">
      <div className="flex flex-col gap-2 border-b border-slate-200 p-3">
        <span className={sectionTitle}>Connection</span>
        <p className="text-xs text-slate-800">
          <span className="font-semibold">{nameOf(connection.sourceId)}</span>
          <span className="mx-1 rounded bg-slate-100 px-1 text-[11px] text-slate-600">{connection.relationship}</span>→{' '}
          <span className="font-semibold">{nameOf(connection.targetId)}</span>
        </p>
        <ConnectionStatus connectionId={connection.id} />
        <QueueListing key={connection.id} connectionId={connection.id} />
      </div>
      <form onSubmit={save} noValidate className="flex flex-col gap-3 p-3">
        <h4 className={sectionTitle}>Back pressure</h4>
        <Field
          id="conn-count-threshold"
          label="Object threshold"
          description="Upstream stops being scheduled when this many records are queued."
          errors={errorsOf('countThreshold')}
          errorTestId="error-countThreshold"
        >
          {numberInput('conn-count-threshold', 'countThreshold', count, setCount, 1)}
        </Field>
        <Field
          id="conn-bytes-threshold"
          label="Size threshold (bytes)"
          description={`Or when the queued records reach this size (${formatBytes(toNumber(bytes) ?? 0)}).`}
          errors={errorsOf('bytesThreshold')}
          errorTestId="error-bytesThreshold"
        >
          {numberInput('conn-bytes-threshold', 'bytesThreshold', bytes, setBytes, 1024)}
        </Field>

        <h4 className={sectionTitle}>Queue</h4>
        <Field
          id="conn-prioritizer"
          label="Order"
          description={prioritizers.find((p) => p.value === prioritizer)?.description}
          errors={errorsOf('prioritizer')}
          errorTestId="error-prioritizer"
        >
          <select
            id="conn-prioritizer"
            name="conn-prioritizer"
            value={prioritizer}
            onChange={(e) => setPrioritizer(e.target.value as Prioritizer)}
            className={inputClass}
          >
            {prioritizers.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id="conn-expiration"
          label="Expiration (ms)"
          description={
            expirationMs === 0
              ? '0: records never expire.'
              : `Records older than ${expirationMs === undefined || !Number.isFinite(expirationMs) ? '–' : formatDuration(expirationMs)} (since they entered the flow) are dropped from this queue. 0: never.`
          }
          errors={errorsOf('expirationMs')}
          errorTestId="error-expirationMs"
        >
          {numberInput('conn-expiration', 'expirationMs', expiration, setExpiration, 0)}
        </Field>
        <label className="flex items-start gap-2 text-xs text-slate-700" htmlFor="conn-durable">
          <input id="conn-durable" name="conn-durable" type="checkbox" checked={durable} onChange={(e) => setDurable(e.target.checked)} className="mt-0.5" />
          <span>
            <span className="font-medium">Durable</span>
            <span className="block text-[11px] leading-snug text-slate-500">
              {durable
                ? 'Queued records are written to the repository: a crash or restart loses none of them.'
                : 'In memory only: faster, but what waits here is lost when the server stops or crashes, even records a source already acknowledged.'}
            </span>
          </span>
        </label>

        <div className="flex items-center gap-1.5">
          <Can role="editor">
          <Button type="submit" tone="primary" data-testid="conn-save" disabled={saving || !check.success}>
            {saving ? 'Saving…' : 'Save'}
          </Button>
          </Can>
          <Can role="operator">
          <Button
            data-testid="conn-empty"
            className="ml-auto"
            disabled={queued === 0}
            title="Drop every record waiting in this queue"
            onClick={() => void emptyConnection(connection.id)}
          >
            Empty queue
          </Button>
          </Can>
          <Can role="editor">
          <Button
            tone="danger"
            data-testid="conn-delete"
            title="Only an empty queue can be deleted"
            onClick={() => void deleteElements([], [connection.id])}
          >
            Delete
          </Button>
          </Can>
        </div>
      </form>
    </div>
  );
}
