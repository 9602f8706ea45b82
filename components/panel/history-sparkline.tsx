'use client';

import { Sparkline } from '@/components/ui/sparkline';
import { useStatusHistory } from './use-status-history';

/** The status history of a processor or connection as a sparkline, refreshed while shown. */
export function HistorySparkline({
  componentId,
  label,
  format,
}: {
  componentId: string;
  label: string;
  format: (value: number) => string;
}) {
  const points = useStatusHistory(componentId);
  return <Sparkline points={points ?? []} pending={points === null} label={label} format={format} />;
}
