'use client';

import { useState } from 'react';
import { Field, inputClass } from '@/components/ui/field';
import { cn } from '@/components/ui/cn';
import type { FieldModel } from './form-model';
import { RecordField } from './record-field';
import { SecretInput } from './secret-input';
import { ServiceSelect } from './service-select';

export interface FieldProps {
  field: FieldModel;
  /** The draft value; undefined means "not set" (the schema default applies). */
  value: unknown;
  onChange: (value: unknown) => void;
  invalid: boolean;
}

/** One generated property input, chosen by the field's kind; named `prop-<key>` for tests and forms. */
export function PropertyField({ field, value, onChange, errors }: Omit<FieldProps, 'invalid'> & { errors: readonly string[] }) {
  const id = `prop-${field.key}`;
  const badge = field.expression ? (
    <span className="rounded bg-violet-50 px-1 text-[10px] font-normal text-violet-700">JSONata</span>
  ) : field.required ? (
    <span className="text-red-500">*</span>
  ) : null;
  const props: FieldProps = { field, value, onChange, invalid: errors.length > 0 };
  return (
    <Field
      id={id}
      label={field.label}
      description={field.description}
      errors={errors}
      errorTestId={`error-${field.key}`}
      badge={badge}
    >
      <FieldInput {...props} />
    </Field>
  );
}

function FieldInput(props: FieldProps) {
  if (props.field.sensitive && props.field.kind === 'string') return <SecretInput {...props} />;
  switch (props.field.kind) {
    case 'service':
      return <ServiceSelect {...props} />;
    case 'boolean':
      return <BooleanInput {...props} />;
    case 'enum':
      return <EnumInput {...props} />;
    case 'number':
    case 'integer':
      return <NumberInput {...props} />;
    case 'record':
      return <RecordField {...props} />;
    case 'json':
      return <JsonInput {...props} />;
    default:
      return <TextInput {...props} />;
  }
}

function TextInput({ field, value, onChange, invalid }: FieldProps) {
  const common = {
    id: `prop-${field.key}`,
    name: `prop-${field.key}`,
    value: typeof value === 'string' ? value : value === undefined ? '' : String(value),
    placeholder: field.placeholder,
    'aria-invalid': invalid,
    spellCheck: false,
    className: cn(inputClass, field.expression && 'font-mono'),
  };
  if (field.kind === 'text') {
    return <textarea {...common} rows={4} onChange={(e) => onChange(e.target.value)} className={cn(common.className, 'resize-y')} />;
  }
  return <input {...common} type="text" onChange={(e) => onChange(e.target.value)} />;
}

/** Keeps the typed text locally, so "1." or "-" can be typed on the way to a number. */
function NumberInput({ field, value, onChange, invalid }: FieldProps) {
  const external = value === undefined ? '' : String(value);
  const [text, setText] = useState(external);
  const [seen, setSeen] = useState(external);
  if (external !== seen) {
    // The value changed from outside (reset, refetch): show it unless it is what the text says.
    setSeen(external);
    if (parseNumber(text) !== value) setText(external);
  }
  return (
    <input
      id={`prop-${field.key}`}
      name={`prop-${field.key}`}
      type="number"
      inputMode={field.kind === 'integer' ? 'numeric' : 'decimal'}
      step={field.kind === 'integer' ? 1 : 'any'}
      min={field.min}
      max={field.max}
      value={text}
      placeholder={field.placeholder ?? (field.defaultValue !== undefined ? `default ${String(field.defaultValue)}` : undefined)}
      aria-invalid={invalid}
      onChange={(e) => {
        setText(e.target.value);
        const parsed = parseNumber(e.target.value);
        setSeen(parsed === undefined ? '' : String(parsed));
        onChange(parsed);
      }}
      className={cn(inputClass, 'tabular-nums')}
    />
  );
}

/** Empty means unset; text that is not a number is passed on as is, for the schema to reject. */
function parseNumber(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : trimmed;
}

function BooleanInput({ field, value, onChange }: FieldProps) {
  const checked = typeof value === 'boolean' ? value : field.defaultValue === true;
  return (
    <label className="flex items-center gap-2 text-xs text-slate-700">
      <input
        id={`prop-${field.key}`}
        name={`prop-${field.key}`}
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        className="h-3.5 w-3.5 accent-sky-600"
      />
      {checked ? 'yes' : 'no'}
    </label>
  );
}

function EnumInput({ field, value, onChange, invalid }: FieldProps) {
  const current = typeof value === 'string' ? value : typeof field.defaultValue === 'string' ? field.defaultValue : '';
  return (
    <select
      id={`prop-${field.key}`}
      name={`prop-${field.key}`}
      value={current}
      aria-invalid={invalid}
      onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      className={inputClass}
    >
      {!field.required && field.defaultValue === undefined && <option value="">(not set)</option>}
      {field.options.map((option) => (
        <option key={option} value={option}>
          {option}
        </option>
      ))}
    </select>
  );
}

/** Fallback for shapes the form has no widget for: JSON text, checked by the schema after parsing. */
function JsonInput({ field, value, onChange, invalid }: FieldProps) {
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  return (
    <textarea
      id={`prop-${field.key}`}
      name={`prop-${field.key}`}
      rows={4}
      value={text}
      spellCheck={false}
      aria-invalid={invalid}
      onChange={(e) => {
        setText(e.target.value);
        if (e.target.value.trim() === '') return onChange(undefined);
        try {
          onChange(JSON.parse(e.target.value) as unknown);
        } catch {
          onChange(e.target.value);
        }
      }}
      className={cn(inputClass, 'resize-y font-mono')}
    />
  );
}
