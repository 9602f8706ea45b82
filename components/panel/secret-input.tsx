'use client';

import { MASKED } from '@/engine/sdk';
import { Button } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';
import type { FieldProps } from './property-field';

/**
 * A sensitive property. The server never sends a stored secret, only MASKED in its place, and keeps
 * the stored one when MASKED comes back: so a set secret shows as dots until "Replace" swaps in an
 * empty password input (left empty, it removes the secret; Revert brings the stored one back).
 */
export function SecretInput({ field, value, onChange, invalid }: FieldProps) {
  const id = `prop-${field.key}`;
  if (value === MASKED) {
    return (
      <div className="flex items-center gap-1.5">
        <input
          id={id}
          name={id}
          type="password"
          value={MASKED}
          readOnly
          data-secret="set"
          title="Set; the value stays on the server"
          className={`${inputClass} bg-slate-50 text-slate-500`}
        />
        <Button
          data-testid={`replace-${field.key}`}
          onClick={() => {
            onChange('');
            // the empty input replaces this one on the next render
            requestAnimationFrame(() => document.getElementById(id)?.focus());
          }}
        >
          Replace
        </Button>
      </div>
    );
  }
  return (
    <input
      id={id}
      name={id}
      type="password"
      autoComplete="new-password"
      value={typeof value === 'string' ? value : ''}
      placeholder={field.placeholder ?? 'not set'}
      aria-invalid={invalid}
      data-secret={typeof value === 'string' && value !== '' ? 'typed' : 'empty'}
      onChange={(e) => onChange(e.target.value)}
      className={inputClass}
    />
  );
}
