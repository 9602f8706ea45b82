'use client';

import { useState } from 'react';
import { inputBase } from '@/components/ui/field';
import { cn } from '@/components/ui/cn';
import type { FieldProps } from './property-field';

interface Row {
  id: number;
  key: string;
  value: string;
}

// Row ids only keep React's keys stable while names are being typed (a key can be half-written).
let rowSeq = 0;

function toRows(record: Record<string, string>): Row[] {
  return Object.entries(record).map(([key, value]) => ({ id: ++rowSeq, key, value }));
}

function asStringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)]));
}

/**
 * A string → string map as editable rows (RouteOnField's routes: name → predicate). Rows are the
 * local truth while typing; the object passed up is rebuilt from them on every change.
 */
export function RecordField({ field, value, onChange, invalid }: FieldProps) {
  const record = asStringRecord(value);
  const incoming = JSON.stringify(record);
  const [rows, setRows] = useState<Row[]>(() => toRows(record));
  const [synced, setSynced] = useState(incoming);
  if (incoming !== synced) {
    // Changed from outside (reset after save, another editor): rebuild the rows.
    setSynced(incoming);
    setRows(toRows(record));
  }

  const emit = (next: Row[]) => {
    setRows(next);
    const object = Object.fromEntries(next.map((r) => [r.key, r.value]));
    setSynced(JSON.stringify(object));
    onChange(object);
  };
  const edit = (id: number, change: Partial<Row>) => emit(rows.map((r) => (r.id === id ? { ...r, ...change } : r)));

  const names = rows.map((r) => r.key);
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  const valueClass = cn(inputBase, 'flex-1', field.expression && 'font-mono');

  return (
    <div className="flex flex-col gap-1" id={`prop-${field.key}`}>
      {rows.length === 0 && <p className="text-[11px] text-slate-400 italic">No entries.</p>}
      {rows.map((row, index) => (
        <div key={row.id} className="flex items-center gap-1">
          <input
            name={`prop-${field.key}-key-${index}`}
            aria-label={`${field.label} name ${index + 1}`}
            value={row.key}
            placeholder="name"
            spellCheck={false}
            aria-invalid={invalid || duplicates.includes(row.key)}
            onChange={(e) => edit(row.id, { key: e.target.value })}
            className={cn(inputBase, 'w-24 shrink-0')}
          />
          <span className="text-slate-400">→</span>
          <input
            name={`prop-${field.key}-value-${index}`}
            aria-label={`${field.label} value ${index + 1}`}
            value={row.value}
            placeholder={field.expression ? 'JSONata, e.g. qty > 2' : 'value'}
            spellCheck={false}
            aria-invalid={invalid}
            onChange={(e) => edit(row.id, { value: e.target.value })}
            className={valueClass}
          />
          <button
            type="button"
            data-testid={`remove-${field.key}-${index}`}
            onClick={() => emit(rows.filter((r) => r.id !== row.id))}
            aria-label={`Remove ${row.key || 'entry'}`}
            className="shrink-0 rounded px-1 text-slate-400 hover:bg-red-50 hover:text-red-600"
          >
            ✕
          </button>
        </div>
      ))}
      {duplicates.length > 0 && (
        <p className="text-[11px] text-red-600">Names must be unique: {[...new Set(duplicates)].join(', ')}</p>
      )}
      <button
        type="button"
        data-testid={`add-${field.key}`}
        onClick={() => emit([...rows, { id: ++rowSeq, key: '', value: '' }])}
        className="self-start rounded border border-dashed border-slate-300 px-2 py-0.5 text-[11px] text-slate-600 hover:border-sky-400 hover:text-sky-700"
      >
        + Add entry
      </button>
    </div>
  );
}
