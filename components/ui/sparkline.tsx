import { cn } from './cn';

const WIDTH = 100;
const HEIGHT = 28;

export interface SparkPoint {
  at: number;
  value: number;
}

/**
 * A tiny line chart in plain SVG: time on x (gaps stay gaps in time), value on y from zero to the
 * maximum. Stretches to its container's width; the caption gives the numbers the line cannot.
 */
export function Sparkline({
  points,
  label,
  format,
  pending = false,
  className,
}: {
  points: readonly SparkPoint[];
  label: string;
  format: (value: number) => string;
  /** Nothing fetched yet. */
  pending?: boolean;
  className?: string;
}) {
  const first = points[0]?.at ?? 0;
  const span = Math.max(1, (points.at(-1)?.at ?? 0) - first);
  const max = Math.max(0, ...points.map((p) => p.value));
  const scaleY = max > 0 ? (HEIGHT - 2) / max : 0;
  const coords = points.map((p) => {
    const x = points.length === 1 ? WIDTH : ((p.at - first) / span) * WIDTH;
    return `${x.toFixed(2)},${(HEIGHT - 1 - p.value * scaleY).toFixed(2)}`;
  });
  const last = points.at(-1);
  const minutes = Math.max(1, Math.round(span / 60_000));

  return (
    <figure data-testid="sparkline" data-points={points.length} className={cn('flex flex-col gap-0.5', className)}>
      <figcaption className="flex items-baseline justify-between gap-2 text-[10px] text-slate-500">
        <span>
          {label}
          {points.length > 1 && <span className="text-slate-400"> · last {span < 60_000 ? `${Math.round(span / 1000)} s` : `${minutes} min`}</span>}
        </span>
        <span className="tabular-nums">
          {last ? (
            <>
              now <span className="font-medium text-slate-700">{format(last.value)}</span> · max {format(max)}
            </>
          ) : pending ? (
            'loading…'
          ) : (
            'no data yet'
          )}
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${label}: ${points.length} points`}
        className="h-8 w-full rounded bg-slate-50"
      >
        {coords.length > 1 && (
          <>
            <polygon points={`0,${HEIGHT} ${coords.join(' ')} ${WIDTH},${HEIGHT}`} className="fill-sky-100" />
            <polyline
              points={coords.join(' ')}
              fill="none"
              vectorEffect="non-scaling-stroke"
              strokeWidth={1.25}
              strokeLinejoin="round"
              className="stroke-sky-600"
            />
          </>
        )}
      </svg>
    </figure>
  );
}
