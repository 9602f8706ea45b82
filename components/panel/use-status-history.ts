'use client';

import { useEffect, useState } from 'react';
import type { StatusHistoryPoint } from '@/engine/protocol';
import { getHistory } from '@/components/editor/api';
import { useEditor } from '@/components/editor/store-context';

/** How often an open chart asks for its history again: it is a chart, not the live numbers. */
export const HISTORY_REFRESH_MS = 5_000;

/**
 * A component's status history (the last five minutes, a point a second), fetched when the panel
 * opens and again every few seconds while it stays open and the page is visible. Null until the
 * first answer; a failed refresh keeps the last points.
 */
export function useStatusHistory(componentId: string): StatusHistoryPoint[] | null {
  const flowId = useEditor((s) => s.flowId);
  const [points, setPoints] = useState<StatusHistoryPoint[] | null>(null);

  useEffect(() => {
    let cancelled = false;
    let inFlight = false;
    let loaded = false;
    const refresh = async () => {
      if (inFlight || (loaded && document.visibilityState === 'hidden')) return;
      inFlight = true;
      try {
        const answer = await getHistory(flowId, componentId);
        loaded = true;
        if (!cancelled) setPoints(answer);
      } catch {
        // Keep what we have: the next refresh may succeed, and the live numbers do not depend on it.
      } finally {
        inFlight = false;
      }
    };
    void refresh();
    const timer = setInterval(() => void refresh(), HISTORY_REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [flowId, componentId]);

  return points;
}
