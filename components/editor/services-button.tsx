'use client';

import { validateService } from '@/engine/flow/validate';
import { serviceSpecOf } from '@/engine/services/specs';
import { Button } from '@/components/ui/button';
import { useEditor, useEditorActions } from './store-context';

/** The toolbar's "Services" button: opens the flow's controller services in the side panel. */
export function ServicesButton() {
  const count = useEditor((s) => s.graph?.services.length ?? 0);
  const invalid = useEditor((s) => s.graph?.services.filter((x) => validateService(serviceSpecOf(x.type), x).length > 0).length ?? 0);
  const open = useEditor((s) => s.selection?.kind === 'services');
  const loaded = useEditor((s) => s.graph !== null);
  const { select } = useEditorActions();
  return (
    <Button
      data-testid="flow-services"
      aria-pressed={open}
      disabled={!loaded}
      title={invalid > 0 ? `${invalid} invalid service(s)` : 'Controller services: connection pools and clients'}
      onClick={() => select(open ? null : { kind: 'services' })}
    >
      ⛁ Services{count > 0 && ` (${count})`}
      {invalid > 0 && <span className="h-1.5 w-1.5 rounded-full bg-amber-400" aria-label={`${invalid} invalid`} />}
    </Button>
  );
}
