'use client';

import type { ProcessorConfig } from '@/engine/flow/schema';
import { useEditor } from '@/components/editor/store-context';

/**
 * Whether the processor counts as running for the panel: its saved run state, or the engine saying
 * so. The server refuses configuration changes while the engine runs it, whatever was saved.
 */
export function useIsRunning(processor: ProcessorConfig): boolean {
  const engineRunning = useEditor((s) => s.stats?.processors[processor.id]?.state === 'RUNNING');
  return processor.runState === 'RUNNING' || engineRunning;
}
