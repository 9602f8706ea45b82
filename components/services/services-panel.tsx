'use client';

import { Can } from '@/components/auth/identity';
import { useState } from 'react';
import type { FlowGraph, ServiceConfig } from '@/engine/flow/schema';
import { validateService } from '@/engine/flow/validate';
import { serviceSpecOf, serviceSpecs } from '@/engine/services/specs';
import { SERVICE_KINDS } from '@/engine/sdk';
import { useEditorActions } from '@/components/editor/store-context';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { inputClass } from '@/components/ui/field';
import { ServiceForm } from './service-form';

const sectionTitle = 'text-[10px] font-semibold tracking-wider text-slate-400 uppercase';

/**
 * The flow's controller services (connection pools, clients) in the side panel: each with its
 * validity, a way to add one by type, and the open one's form.
 */
export function ServicesPanel({ graph, openId }: { graph: FlowGraph; openId?: string }) {
  const { select } = useEditorActions();
  const open = graph.services.find((s) => s.id === openId);
  return (
    <div className="flex flex-col">
      <div className="flex flex-col gap-2 border-b border-slate-200 p-3">
        <div className="flex items-baseline justify-between">
          <span className={sectionTitle}>Controller services</span>
          <button type="button" onClick={() => select(null)} className="text-[11px] text-slate-500 hover:text-slate-800">
            Close
          </button>
        </div>
        <p className="text-[11px] leading-snug text-slate-500">
          Connection pools and clients, configured once and shared by the processors that name them.
        </p>
        <ServiceList services={graph.services} openId={open?.id} />
        <Can role="editor">
          <AddService />
        </Can>
      </div>
      {/* keyed by its saved content: a change saved anywhere resets the form to it */}
      {open && <ServiceForm key={`${open.id}:${JSON.stringify(open)}`} service={open} graph={graph} />}
    </div>
  );
}

function ServiceList({ services, openId }: { services: readonly ServiceConfig[]; openId?: string }) {
  const { select } = useEditorActions();
  if (services.length === 0) return <p className="text-[11px] text-slate-400">This flow has no services yet.</p>;
  return (
    <ul data-testid="service-list" className="flex flex-col gap-1">
      {services.map((service) => {
        const spec = serviceSpecOf(service.type);
        const issues = validateService(spec, service);
        return (
          <li key={service.id}>
            <button
              type="button"
              data-testid="service-item"
              data-service-id={service.id}
              data-valid={issues.length === 0}
              onClick={() => select({ kind: 'services', id: service.id })}
              title={issues.map((i) => (i.property ? `${i.property}: ${i.message}` : i.message)).join('\n') || 'Valid'}
              className={cn(
                'flex w-full items-center gap-2 rounded border px-2 py-1 text-left text-xs',
                service.id === openId ? 'border-sky-400 bg-sky-50' : 'border-slate-200 hover:bg-slate-50',
              )}
            >
              <span className={cn('h-2 w-2 shrink-0 rounded-full', issues.length ? 'bg-amber-400' : 'bg-emerald-500')} aria-hidden />
              <span className="min-w-0 flex-1 truncate font-medium text-slate-800">{service.name}</span>
              <span className="shrink-0 text-[10px] text-slate-500">
                {spec ? SERVICE_KINDS[spec.kind] : service.type}
                {issues.length > 0 && ' · invalid'}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function AddService() {
  const { addService } = useEditorActions();
  const [type, setType] = useState(serviceSpecs[0]?.type ?? '');
  const [adding, setAdding] = useState(false);
  if (serviceSpecs.length === 0) return <p className="text-[11px] text-slate-400">No controller service types are installed.</p>;
  return (
    <div className="flex items-center gap-1.5">
      <select
        name="service-type"
        aria-label="Service type"
        value={type}
        onChange={(e) => setType(e.target.value)}
        className={inputClass}
      >
        {serviceSpecs.map((spec) => (
          <option key={spec.type} value={spec.type} title={spec.summary}>
            {spec.type} ({SERVICE_KINDS[spec.kind]})
          </option>
        ))}
      </select>
      <Button
        data-testid="service-add"
        disabled={!type || adding}
        onClick={async () => {
          setAdding(true);
          await addService(type);
          setAdding(false);
        }}
      >
        + Add
      </Button>
    </div>
  );
}
