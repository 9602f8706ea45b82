'use client';

import { Can } from '@/components/auth/identity';
import { useMemo, useState, type FormEvent } from 'react';
import { ProcessorConfig as ProcessorConfigSchema, type FlowGraph, type ProcessorConfig } from '@/engine/flow/schema';
import { validateFlow } from '@/engine/flow/validate';
import { specOf } from '@/engine/processors/specs';
import { serviceSpecOf } from '@/engine/services/specs';
import { relationshipsOf, type ValidationIssue } from '@/engine/sdk';
import { ApiError, describeError } from '@/components/editor/api';
import { useEditorActions } from '@/components/editor/store-context';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { fieldsOf, splitIssues } from './form-model';
import { ProcessorActivity } from './processor-activity';
import { ProcessorHeader } from './processor-header';
import { ProcessorState } from './processor-state';
import { PropertyField } from './property-field';
import { RelationshipsSection } from './relationships-section';
import { RetrySection } from './retry-section';
import { checkRetry, checkScheduling } from './schedule-model';
import { SchedulingSection } from './scheduling-section';
import { useIsRunning } from './use-is-running';
import { useProcessorDraft } from './use-processor-draft';

const sectionTitle = 'text-[10px] font-semibold tracking-wider text-slate-400 uppercase';

/**
 * The selected processor's configuration. The form is generated from the spec, validated live with
 * the same function the API and the engine use, and saved with one PATCH.
 */
export function ProcessorPanel({ processor, graph }: { processor: ProcessorConfig; graph: FlowGraph }) {
  const spec = specOf(processor.type);
  const { updateProcessor, notify } = useEditorActions();
  const { draft, dirty, setProperty, setAutoTerminated, setBatchSize, setScheduling, setRetry, reset, adopt } =
    useProcessorDraft(processor);
  const [saving, setSaving] = useState(false);
  const [attempted, setAttempted] = useState(false);
  // Server issues belong to the draft they were answered for; editing makes them stale.
  const [server, setServer] = useState<{ draft: typeof draft; issues: readonly ValidationIssue[] } | null>(null);
  const running = useIsRunning(processor);

  const connected = useMemo(
    () => new Set(graph.connections.filter((c) => c.sourceId === processor.id).map((c) => c.relationship)),
    [graph.connections, processor.id],
  );
  // The engine's check of this processor as drafted, service references included.
  const live = useMemo(() => {
    const drafted = { ...processor, properties: draft.properties, autoTerminated: draft.autoTerminated };
    return validateFlow({ ...graph, processors: [drafted] }, specOf, serviceSpecOf).get(processor.id) ?? [];
  }, [graph, processor, draft.properties, draft.autoTerminated]);
  const batchCheck = ProcessorConfigSchema.shape.batchSize.safeParse(draft.batchSize);
  const serverIssues = server && server.draft === draft ? server.issues : [];
  const { byProperty, general } = splitIssues([...live, ...serverIssues]);
  const relationships = spec ? relationshipsOf(spec, draft.properties) : [];
  const schedCheck = checkScheduling(draft.scheduling, processor.scheduling);
  const retryCheck = checkRetry(draft.retry, relationships);
  // The same schemas the route handler parses with, plus what the server said about this draft.
  const nested = (prefix: string, local: Record<string, string[]>) => (key: string) => [
    ...(local[key] ?? []),
    ...(byProperty[`${prefix}.${key}`] ?? []),
  ];
  const schedErrors = nested('scheduling', schedCheck.errors);
  const retryErrors = nested('retry', retryCheck.errors);
  const blocking = live.some((i) => i.property) || !batchCheck.success || !schedCheck.data || !retryCheck.data;

  if (!spec) {
    return <p className="p-3 text-xs text-red-700">Unknown processor type “{processor.type}”.</p>;
  }
  const fields = fieldsOf(spec);
  // Issues on keys the form has no field for (e.g. from the server) must not vanish: list them.
  const shown = new Set([
    ...fields.map((f) => f.key),
    'batchSize',
    ...['strategy', 'periodMs', 'cron', 'concurrency', 'runDurationMs'].map((k) => `scheduling.${k}`),
    ...['relationships', 'maxRetries', 'backoffMs'].map((k) => `retry.${k}`),
  ]);
  const orphans = Object.entries(byProperty)
    .filter(([key]) => !shown.has(key))
    .flatMap(([key, messages]) => messages.map((m) => `${key}: ${m}`));
  const processorWide = [...general, ...orphans];
  const batchErrors = [...(batchCheck.success ? [] : batchCheck.error.issues.map((i) => i.message)), ...(byProperty.batchSize ?? [])];

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (blocking || !batchCheck.success || !schedCheck.data || !retryCheck.data) return;
    setSaving(true);
    try {
      const answer = await updateProcessor(processor.id, {
        properties: draft.properties,
        autoTerminated: draft.autoTerminated.filter((r) => relationships.includes(r)),
        batchSize: batchCheck.data,
        scheduling: schedCheck.data,
        retry: retryCheck.data,
      });
      adopt(answer);
      setServer(null);
      setAttempted(false);
      notify('info', `Saved “${answer.name}”`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.issues.length > 0) {
        setServer({ draft, issues: error.issues });
      } else {
        const { message, detail } = describeError(error);
        notify('error', `Saving “${processor.name}”: ${message}`, detail);
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="flex flex-col">
      <ProcessorHeader processor={processor} summary={spec.summary} />
      <form onSubmit={save} className="flex flex-col gap-3 border-b border-slate-200 p-3" noValidate>
        {running && (
          <p className="rounded bg-sky-50 px-2 py-1 text-[11px] text-sky-800">
            Running: the configuration is read-only. Stop it to configure.
          </p>
        )}
        <fieldset disabled={running || saving} className="flex min-w-0 flex-col gap-3">
          <h4 className={sectionTitle}>Properties</h4>
          {fields.length === 0 && <p className="text-[11px] text-slate-500">No properties to configure.</p>}
          {fields.map((field) => (
            <PropertyField
              key={field.key}
              field={field}
              value={draft.properties[field.key]}
              onChange={(value) => setProperty(field.key, value)}
              errors={byProperty[field.key] ?? []}
            />
          ))}

          <h4 className={sectionTitle}>Relationships</h4>
          <RelationshipsSection
            spec={spec}
            relationships={relationships}
            connected={connected}
            autoTerminated={draft.autoTerminated}
            onToggle={setAutoTerminated}
          />

          <h4 className={sectionTitle}>Scheduling</h4>
          <Field
            id="batch-size"
            label="Batch size"
            description="At most this many records per trigger."
            errors={batchErrors}
            errorTestId="error-batchSize"
          >
            <input
              id="batch-size"
              name="batch-size"
              type="number"
              min={1}
              step={1}
              value={String(draft.batchSize)}
              aria-invalid={!batchCheck.success}
              onChange={(e) => {
                const n = Number(e.target.value);
                setBatchSize(e.target.value.trim() !== '' && Number.isFinite(n) ? n : e.target.value);
              }}
              className={`${inputClass} tabular-nums`}
            />
          </Field>
          <SchedulingSection draft={draft.scheduling} onChange={setScheduling} errorsOf={schedErrors} />

          <h4 className={sectionTitle}>Retry</h4>
          <RetrySection
            isSource={spec.input === 'forbidden'}
            relationships={relationships}
            draft={draft.retry}
            onChange={setRetry}
            errorsOf={retryErrors}
          />
        </fieldset>

        {processorWide.length > 0 && (
          <div data-testid="processor-issues" className="rounded bg-amber-50 px-2 py-1.5 text-[11px] text-amber-900">
            <p className="font-medium">Cannot run yet:</p>
            <ul className="list-disc pl-4">
              {processorWide.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          </div>
        )}
        {attempted && blocking && (
          <p className="text-[11px] text-red-600">Fix the highlighted fields before saving.</p>
        )}

        <Can role="editor">
        <div className="flex items-center gap-1.5">
          <Button type="submit" tone="primary" data-testid="props-save" disabled={running || saving}>
            {saving ? 'Saving…' : 'Save'}
          </Button>
          <Button disabled={!dirty || saving || running} onClick={reset}>
            Revert
          </Button>
          {dirty && !running && <span className="text-[11px] text-slate-500">unsaved changes</span>}
        </div>
        </Can>
      </form>
      <div className="flex flex-col gap-3 p-3">
        <ProcessorState processorId={processor.id} running={running} />
        <ProcessorActivity processorId={processor.id} type={processor.type} strategy={processor.scheduling.strategy} />
      </div>
    </div>
  );
}
