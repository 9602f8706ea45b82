/**
 * Wall-clock time in a region's time zone, from the platform's own time-zone database (Intl), with
 * the offset cached per zone and hour: the generator converts millions of local times.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();
const HOUR = 3_600_000;

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The zone's offset from UTC (ms, east positive) at an instant. */
export function offsetAt(instant: number, timeZone: string): number {
  const hour = Math.floor(instant / HOUR);
  const key = `${timeZone}@${hour}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const parts: Record<string, number> = {};
    for (const { type, value } of formatter(timeZone).formatToParts(hour * HOUR)) if (type !== 'literal') parts[type] = Number(value);
    offset = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - hour * HOUR;
    offsets.set(key, offset);
  }
  return offset;
}

/** The instant of a wall-clock time in a zone (in a gap at a DST change, the hour after; in an overlap, the first). */
export function zonedToUtc(wallClockAsUtc: number, timeZone: string): number {
  let instant = wallClockAsUtc - offsetAt(wallClockAsUtc, timeZone);
  instant = wallClockAsUtc - offsetAt(instant, timeZone);
  return instant;
}

/** Day of week (0 Sunday … 6 Saturday) and hour of an instant's wall clock in a zone. */
export function localDayHour(instant: number, timeZone: string): { dow: number; hour: number } {
  const wall = new Date(instant + offsetAt(instant, timeZone));
  return { dow: wall.getUTCDay(), hour: wall.getUTCHours() };
}

/** ISO 8601 with the zone's offset, as a European shop writes its local order times: 2026-04-08T23:27:38+02:00. */
export function isoWithOffset(instant: number, timeZone: string): string {
  const offset = offsetAt(instant, timeZone);
  const wall = new Date(instant + offset).toISOString().slice(0, 19);
  const minutes = Math.abs(offset) / 60_000;
  const sign = offset < 0 ? '-' : '+';
  return `${wall}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** As PostgreSQL prints a timestamp (no zone) holding UTC: 2026-04-08 21:27:38. */
export const postgresTimestamp = (instant: number) => new Date(instant).toISOString().slice(0, 19).replace('T', ' ');

/** As PostgreSQL prints a timestamptz in UTC: 2026-04-08 21:27:38+00. */
export const postgresUtc = (instant: number) => `${postgresTimestamp(instant)}+00`;

/** A quarter of the calendar (UTC), e.g. 2026-Q3: [from, to) in ms. */
export function quarterRange(quarter: string): { from: number; to: number } | undefined {
  const match = /^(\d{4})-Q([1-4])$/.exec(quarter);
  if (!match) return undefined;
  const year = Number(match[1]);
  const q = Number(match[2]) - 1;
  return { from: Date.UTC(year, q * 3, 1), to: Date.UTC(year, q * 3 + 3, 1) };
}

export function quarterOf(instant: number): string {
  const date = new Date(instant);
  return `${date.getUTCFullYear()}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
}

/** The quarter before the one an instant is in. */
export function previousQuarter(instant: number): string {
  const { from } = quarterRange(quarterOf(instant))!;
  return quarterOf(from - 1);
}
