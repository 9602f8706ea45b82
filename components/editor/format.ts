/** Number formatting for dense live readouts: 999, 1.2k, 34k, 5.6M. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs < 1_000) {
    // Small rates keep one decimal (0.5/s matters); counts are integers anyway.
    return Number.isInteger(value) || abs >= 100 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
  }
  const units: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (abs >= size) {
      const scaled = value / size;
      const text = Math.abs(scaled) >= 100 ? Math.round(scaled).toString() : scaled.toFixed(1).replace(/\.0$/, '');
      return `${text}${suffix}`;
    }
  }
  return String(value);
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value >= 100 ? 0 : 1).replace(/\.0$/, '')} ${units[unit]}`;
}

export function formatTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(undefined, { hour12: false });
}

/** A duration for readouts: 850 ms, 4.2 s, 3.5 min, 2.1 h, 3 d. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const abs = Math.abs(ms);
  const one = (value: number, unit: string) => `${value >= 100 ? Math.round(value) : value.toFixed(1).replace(/\.0$/, '')} ${unit}`;
  if (abs < 1_000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return one(ms / 1_000, 's');
  if (abs < 3_600_000) return one(ms / 60_000, 'min');
  if (abs < 86_400_000) return one(ms / 3_600_000, 'h');
  return one(ms / 86_400_000, 'd');
}
