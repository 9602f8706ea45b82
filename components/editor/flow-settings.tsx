'use client';

import { Can } from '@/components/auth/identity';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { FlowSettings, type SyncPolicy } from '@/engine/flow/schema';
import { Button } from '@/components/ui/button';
import { Field, inputClass, WholeNumberInput } from '@/components/ui/field';
import { ApiError, describeError } from './api';
import { formatBytes } from './format';
import { useEditor, useEditorActions } from './store-context';

const syncPolicies: { value: SyncPolicy; label: string; description: string }[] = [
  {
    value: 'os',
    label: 'Survive a crash',
    description: 'A source is acknowledged once its records are written to the operating system: a killed server loses nothing.',
  },
  {
    value: 'always',
    label: 'Survive a power loss',
    description: 'Also flushed to the disk (fsync) before any acknowledgement: slower, nothing lost even when the machine goes down.',
  },
];

/** The toolbar's "Settings" button and its popover: the flow's defaults for new connections, and durability. */
export function FlowSettingsButton() {
  const loaded = useEditor((s) => s.graph !== null);
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const outside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const escape = (event: KeyboardEvent) => event.key === 'Escape' && setOpen(false);
    document.addEventListener('pointerdown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);

  return (
    <div ref={root} className="relative">
      <Button data-testid="flow-settings" aria-expanded={open} disabled={!loaded} onClick={() => setOpen(!open)}>
        ⚙ Settings
      </Button>
      {open && <SettingsForm onDone={() => setOpen(false)} />}
    </div>
  );
}

const toNumber = (text: string) => (text.trim() === '' ? undefined : Number(text));

function SettingsForm({ onDone }: { onDone: () => void }) {
  const settings = useEditor((s) => s.graph?.settings);
  const { updateFlowSettings, notify } = useEditorActions();
  const [count, setCount] = useState(String(settings?.countThreshold ?? ''));
  const [bytes, setBytes] = useState(String(settings?.bytesThreshold ?? ''));
  const [sync, setSync] = useState<SyncPolicy>(settings?.sync ?? 'os');
  const [serverErrors, setServerErrors] = useState<Record<string, string[]>>({});
  const [saving, setSaving] = useState(false);

  // The same schema the route handler parses the PATCH with.
  const check = FlowSettings.safeParse({ countThreshold: toNumber(count), bytesThreshold: toNumber(bytes), sync });
  const errorsOf = (key: string) => [
    ...(check.success ? [] : check.error.issues.filter((i) => i.path[0] === key).map((i) => i.message)),
    ...(serverErrors[key] ?? []),
  ];

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!check.success) return;
    setSaving(true);
    try {
      await updateFlowSettings(check.data);
      notify('info', 'Flow settings saved: new connections use them');
      onDone();
    } catch (error) {
      if (error instanceof ApiError) {
        const byKey: Record<string, string[]> = {};
        for (const issue of error.issues) (byKey[issue.property?.replace(/^settings\./, '') ?? ''] ??= []).push(issue.message);
        setServerErrors(byKey);
      }
      const { message, detail } = describeError(error);
      notify('error', `Saving the flow settings: ${message}`, detail);
    } finally {
      setSaving(false);
    }
  };

  const input = (name: string, key: string, value: string, set: (v: string) => void, min: number) => (
    <WholeNumberInput name={name} value={value} onChange={set} min={min} invalid={errorsOf(key).length > 0} autoFocus={key === 'countThreshold'} />
  );

  return (
    <form
      onSubmit={save}
      noValidate
      data-testid="flow-settings-panel"
      className="absolute top-full right-0 z-50 mt-1.5 flex w-72 flex-col gap-3 rounded border border-slate-200 bg-white p-3 shadow-lg"
    >
      <div>
        <h3 className="text-[10px] font-semibold tracking-wider text-slate-400 uppercase">Flow settings</h3>
        <p className="mt-0.5 text-[11px] leading-snug text-slate-500">
          Back-pressure defaults for new connections (existing ones keep their own thresholds), and when a commit counts as durable.
        </p>
      </div>
      <Field
        id="flow-count-threshold"
        label="Object threshold"
        errors={errorsOf('countThreshold')}
        errorTestId="error-flow-count-threshold"
      >
        {input('flow-count-threshold', 'countThreshold', count, setCount, 1)}
      </Field>
      <Field
        id="flow-bytes-threshold"
        label="Size threshold (bytes)"
        description={formatBytes(toNumber(bytes) ?? 0)}
        errors={errorsOf('bytesThreshold')}
        errorTestId="error-flow-bytes-threshold"
      >
        {input('flow-bytes-threshold', 'bytesThreshold', bytes, setBytes, 1024)}
      </Field>
      <Field
        id="flow-sync"
        label="Durability"
        description={syncPolicies.find((p) => p.value === sync)?.description}
        errors={errorsOf('sync')}
        errorTestId="error-flow-sync"
      >
        <select id="flow-sync" name="flow-sync" value={sync} onChange={(e) => setSync(e.target.value as SyncPolicy)} className={inputClass}>
          {syncPolicies.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
      </Field>
      <div className="flex items-center gap-1.5">
        <Can role="editor">
        <Button type="submit" tone="primary" data-testid="flow-settings-save" disabled={saving || !check.success}>
          {saving ? 'Saving…' : 'Save'}
        </Button>
        </Can>
        <Button onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}
