'use client';

import type { DragEvent, KeyboardEvent } from 'react';
import type { AnySpec } from '@/engine/sdk';
import { PROCESSOR_DRAG_TYPE } from '@/components/canvas/constants';

export function PaletteItem({ spec, onAdd }: { spec: AnySpec; onAdd: (type: string) => void }) {
  const onDragStart = (event: DragEvent<HTMLLIElement>) => {
    event.dataTransfer.setData(PROCESSOR_DRAG_TYPE, spec.type);
    event.dataTransfer.effectAllowed = 'move';
  };
  // Keyboard and double-click add at the middle of the view: dragging is not the only way in.
  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onAdd(spec.type);
    }
  };

  return (
    <li
      data-testid={`palette-item-${spec.type}`}
      draggable
      tabIndex={0}
      onDragStart={onDragStart}
      onDoubleClick={() => onAdd(spec.type)}
      onKeyDown={onKeyDown}
      title={`${spec.summary}\n\nDrag onto the canvas, or double-click to add.`}
      className="cursor-grab rounded border border-slate-200 bg-white px-2 py-1.5 shadow-xs hover:border-sky-400 focus:border-sky-500 focus:outline-none active:cursor-grabbing"
    >
      <div className="flex items-center justify-between gap-2">
        <span className="font-medium text-slate-800">{spec.type}</span>
        {spec.input === 'forbidden' && <span className="text-[10px] text-slate-400 uppercase">source</span>}
      </div>
      <p className="mt-0.5 line-clamp-2 text-[11px] leading-snug text-slate-500">{spec.summary}</p>
    </li>
  );
}
