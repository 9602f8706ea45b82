'use client';

import { Can } from '@/components/auth/identity';
import { useState, type FormEvent } from 'react';
import type { FlowGraph, ServiceConfig } from '@/engine/flow/schema';
import { validateService } from '@/engine/flow/validate';
import { specOf } from '@/engine/processors/specs';
import { serviceSpecOf } from '@/engine/services/specs';
import { SERVICE_KINDS, type ValidationIssue } from '@/engine/sdk';
import { namesOf, processorsUsing } from '@/lib/flow/service-refs';
import { ApiError, describeError } from '@/components/editor/api';
import { useEditor, useEditorActions } from '@/components/editor/store-context';
import { fieldsOf, splitIssues } from '@/components/panel/form-model';
import { PropertyField } from '@/components/panel/property-field';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';

const sectionTitle = 'text-[10px] font-semibold tracking-wider text-slate-400 uppercase';

/**
 * One controller service: its name and its properties, in a form generated from its spec like a
 * processor's, checked live with the function the API and the engine use; saved with one PATCH.
 * Secrets arrive masked and go back masked unless replaced (the server keeps the stored value).
 */
export function ServiceForm({ service, graph }: { service: ServiceConfig; graph: FlowGraph }) {
  const spec = serviceSpecOf(service.type);
  const { updateService, deleteService, notify } = useEditorActions();
  const [name, setName] = useState(service.name);
  const [properties, setProperties] = useState(service.properties);
  const [serverIssues, setServerIssues] = useState<readonly ValidationIssue[]>([]);
  const [saving, setSaving] = useState(false);
  const users = processorsUsing(graph, service.id, specOf);
  const running = useEditor((s) => users.filter((p) => p.runState === 'RUNNING' || s.stats?.processors[p.id]?.state === 'RUNNING').length);

  if (!spec) return <p className="p-3 text-xs text-red-700">Unknown controller service type “{service.type}”.</p>;
  const live = validateService(spec, { type: service.type, properties });
  const { byProperty, general } = splitIssues([...live, ...serverIssues]);
  const nameError = name.trim() === '' ? ['name is required'] : [];
  const dirty = name !== service.name || JSON.stringify(properties) !== JSON.stringify(service.properties);

  const setProperty = (key: string, value: unknown) => {
    setServerIssues([]);
    setProperties((current) => {
      const next = { ...current };
      if (value === undefined) delete next[key];
      else next[key] = value;
      return next;
    });
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (nameError.length > 0 || live.some((i) => i.property)) return;
    setSaving(true);
    try {
      const saved = await updateService(service.id, { name: name.trim(), properties });
      notify('info', `Saved “${saved.name}”`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.issues.length > 0) setServerIssues(error.issues);
      const { message, detail } = describeError(error);
      notify('error', `Saving “${service.name}”: ${message}`, detail);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form onSubmit={save} noValidate data-testid="service-form" className="flex flex-col gap-3 p-3">
      <div className="flex items-baseline justify-between gap-2">
        <span className={sectionTitle}>{SERVICE_KINDS[spec.kind]} service</span>
        <span className="truncate text-[11px] text-slate-500">{spec.type}</span>
      </div>
      <p className="-mt-2 text-[11px] leading-snug text-slate-500">{spec.summary}</p>
      <p data-testid="service-users" className="text-[11px] text-slate-600">
        {users.length === 0 ? 'No processor uses it yet.' : `Used by ${namesOf(users)}.`}
      </p>
      {running > 0 && (
        <p className="rounded bg-sky-50 px-2 py-1 text-[11px] text-sky-800">
          In use by running processors: read-only. Stop them to change it.
        </p>
      )}
      <fieldset disabled={running > 0 || saving} className="flex min-w-0 flex-col gap-3">
        <Field id="service-name" label="Name" errors={nameError} errorTestId="error-service-name">
          <input
            id="service-name"
            name="service-name"
            value={name}
            maxLength={120}
            aria-invalid={nameError.length > 0}
            onChange={(e) => setName(e.target.value)}
            className={inputClass}
          />
        </Field>
        {fieldsOf(spec).map((field) => (
          <PropertyField
            key={field.key}
            field={field}
            value={properties[field.key]}
            onChange={(value) => setProperty(field.key, value)}
            errors={byProperty[field.key] ?? []}
          />
        ))}
      </fieldset>
      {general.length > 0 && (
        <ul data-testid="service-issues" className="list-disc rounded bg-amber-50 py-1.5 pr-2 pl-6 text-[11px] text-amber-900">
          {general.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      <Can role="editor">
      <div className="flex items-center gap-1.5">
        <Button type="submit" tone="primary" data-testid="service-save" disabled={running > 0 || saving}>
          {saving ? 'Saving…' : 'Save'}
        </Button>
        <Button
          disabled={!dirty || saving}
          onClick={() => {
            setName(service.name);
            setProperties(service.properties);
            setServerIssues([]);
          }}
        >
          Revert
        </Button>
        <Button
          tone="danger"
          data-testid="service-delete"
          className="ml-auto"
          title={users.length > 0 ? `Used by ${namesOf(users)}: point them elsewhere first` : 'Delete this service'}
          onClick={() => void deleteService(service.id)}
        >
          Delete
        </Button>
      </div>
      </Can>
    </form>
  );
}
