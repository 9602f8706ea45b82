import type { ReactNode } from 'react';

/** Shared input look without a width: dense, light, blue focus, red when invalid. */
export const inputBase =
  'min-w-0 rounded border border-slate-300 bg-white px-2 py-1 text-xs text-slate-800 focus:border-sky-500 focus:outline-none ' +
  'disabled:bg-slate-50 disabled:text-slate-500 aria-[invalid=true]:border-red-400';

/** The usual full-width input. */
export const inputClass = `${inputBase} w-full`;

/** A labelled form row with its help text and its errors (the errors carry a stable test id). */
export function Field({
  id,
  label,
  description,
  errors,
  errorTestId,
  badge,
  children,
}: {
  id: string;
  label: string;
  description?: string;
  errors?: readonly string[];
  errorTestId?: string;
  badge?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="flex items-center gap-1.5 text-xs font-medium text-slate-700">
        {label}
        {badge}
      </label>
      {children}
      {description && <p className="text-[11px] leading-snug text-slate-500">{description}</p>}
      {errors && errors.length > 0 && (
        <p data-testid={errorTestId} role="alert" className="text-[11px] leading-snug text-red-600">
          {errors.join(' · ')}
        </p>
      )}
    </div>
  );
}

/** A whole-number input bound to a string draft (so a half-typed value can be shown and validated). */
export function WholeNumberInput({
  name,
  value,
  onChange,
  min,
  max,
  invalid,
  autoFocus,
}: {
  name: string;
  value: string;
  onChange: (value: string) => void;
  min: number;
  max?: number;
  invalid: boolean;
  autoFocus?: boolean;
}) {
  return (
    <input
      id={name}
      name={name}
      type="number"
      min={min}
      max={max}
      step={1}
      value={value}
      autoFocus={autoFocus}
      aria-invalid={invalid}
      onChange={(e) => onChange(e.target.value)}
      className={`${inputClass} tabular-nums`}
    />
  );
}
