'use client';

import { serviceSpecOf } from '@/engine/services/specs';
import { SERVICE_KINDS, type ServiceKind } from '@/engine/sdk';
import type { ServiceConfig } from '@/engine/flow/schema';
import { useEditor, useEditorActions } from '@/components/editor/store-context';
import { inputClass } from '@/components/ui/field';
import type { FieldProps } from './property-field';

const NONE: readonly ServiceConfig[] = [];

/** A property naming a controller service (`serviceRef(kind)`): a choice among the flow's services of that kind. */
export function ServiceSelect({ field, value, onChange, invalid }: FieldProps) {
  const services = useEditor((s) => s.graph?.services ?? NONE);
  const { select } = useEditorActions();
  const kind = field.service as ServiceKind;
  const label = SERVICE_KINDS[kind];
  const choices = services.filter((s) => serviceSpecOf(s.type)?.kind === kind);
  const current = typeof value === 'string' ? value : '';
  // a reference to a service that is gone stays visible (validation says what is wrong with it)
  const dangling = current !== '' && !choices.some((s) => s.id === current);
  const openServices = (
    <button type="button" onClick={() => select({ kind: 'services' })} className="text-sky-700 hover:underline">
      {choices.length === 0 ? `Create a ${label} service` : 'Manage services'}
    </button>
  );

  return (
    <div className="flex flex-col gap-1">
      <select
        id={`prop-${field.key}`}
        name={`prop-${field.key}`}
        value={current}
        aria-invalid={invalid}
        disabled={choices.length === 0 && !dangling}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
        className={inputClass}
      >
        <option value="">{choices.length === 0 ? `(no ${label} service in this flow)` : `(choose a ${label} service)`}</option>
        {choices.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
        {dangling && <option value={current}>(missing service {current})</option>}
      </select>
      <p data-testid={`service-hint-${field.key}`} className="text-[11px] text-slate-500">
        {choices.length === 0 && `This flow has no ${label} service yet. `}
        {openServices}
      </p>
    </div>
  );
}
