'use client';

import { useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { createFlow, describeError } from '@/components/editor/api';
import { Button } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';
import { ErrorLine } from '@/components/ui/error-line';

/** Name a new flow and open it in the editor. */
export function CreateFlowForm() {
  const router = useRouter();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setError('Give the flow a name.');
    setBusy(true);
    setError(null);
    try {
      const flow = await createFlow(name.trim());
      router.push(`/flows/${encodeURIComponent(flow.id)}`);
    } catch (e) {
      setError(`Creating the flow: ${describeError(e).message}`);
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="flex flex-col gap-1">
      <div className="flex gap-2">
        <input
          name="flow-name"
          value={name}
          maxLength={120}
          onChange={(e) => setName(e.target.value)}
          placeholder="New flow name, e.g. Orders to warehouse"
          aria-label="New flow name"
          className={`${inputClass} max-w-sm py-1.5 text-sm`}
        />
        <Button type="submit" tone="primary" data-testid="flow-create" disabled={busy}>
          {busy ? 'Creating…' : 'Create flow'}
        </Button>
      </div>
      <ErrorLine message={error} />
    </form>
  );
}
