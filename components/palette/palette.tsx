'use client';

import { useMemo, useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import { processorSpecs } from '@/engine/processors/specs';
import type { AnySpec, ProcessorCategory } from '@/engine/sdk';
import { useEditorActions, useEditorStoreApi } from '@/components/editor/store-context';
import { CANVAS_TEST_ID } from '@/components/canvas/constants';
import { PaletteItem } from './palette-item';

/** Category order follows the data: sources first, sinks last. */
const CATEGORY_ORDER: readonly ProcessorCategory[] = ['Sources', 'Transform', 'Routing', 'Utility', 'Sinks'];

function matches(spec: AnySpec, query: string): boolean {
  if (!query) return true;
  const haystack = `${spec.type} ${spec.category} ${spec.summary}`.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .every((word) => haystack.includes(word));
}

/** The processor palette, built from the registered specs: search, grouped by category. */
export function Palette() {
  const [query, setQuery] = useState('');
  const { addProcessor } = useEditorActions();
  const store = useEditorStoreApi();
  const { screenToFlowPosition } = useReactFlow();

  const groups = useMemo(() => {
    const found = processorSpecs.filter((s) => matches(s, query.trim()));
    return CATEGORY_ORDER.map((category) => ({
      category,
      specs: found.filter((s) => s.category === category).sort((a, b) => a.type.localeCompare(b.type)),
    })).filter((g) => g.specs.length > 0);
  }, [query]);

  const addAtCentre = (type: string) => {
    const canvas = document.querySelector(`[data-testid="${CANVAS_TEST_ID}"]`)?.getBoundingClientRect();
    if (!canvas) return;
    const centre = screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 });
    const position = { x: Math.round(centre.x - 104), y: Math.round(centre.y - 40) };
    // Step down past nodes already there, so repeated adds do not pile up on one spot.
    const taken = store.getState().nodes.map((n) => n.position);
    while (taken.some((p) => Math.abs(p.x - position.x) < 60 && Math.abs(p.y - position.y) < 60)) position.y += 140;
    void addProcessor(type, position);
  };

  return (
    <aside className="flex w-56 shrink-0 flex-col border-r border-slate-200 bg-slate-50">
      <div className="border-b border-slate-200 p-2">
        <input
          data-testid="palette-search"
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Search processors…"
          aria-label="Search processors"
          className="w-full rounded border border-slate-300 bg-white px-2 py-1 text-xs focus:border-sky-500 focus:outline-none"
        />
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto p-2">
        {groups.length === 0 && <p className="px-1 text-xs text-slate-500">No processor matches “{query}”.</p>}
        {groups.map((group) => (
          <section key={group.category} className="mb-3">
            <h3 className="mb-1 px-1 text-[10px] font-semibold tracking-wider text-slate-400 uppercase">
              {group.category}
            </h3>
            <ul className="flex flex-col gap-1">
              {group.specs.map((spec) => (
                <PaletteItem key={spec.type} spec={spec} onAdd={addAtCentre} />
              ))}
            </ul>
          </section>
        ))}
      </div>
    </aside>
  );
}
