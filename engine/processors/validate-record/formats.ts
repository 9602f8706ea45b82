import type { Format } from 'ajv';

/**
 * The JSON Schema formats checked (ajv-formats is not a dependency): the ones record schemas use.
 * Any other format is a schema error, not silently ignored, so a typo ("emial") is seen at once.
 */
export const FORMATS: Record<string, Format> = {
  date: (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && isCalendarDate(s),
  time: /^\d{2}:\d{2}:\d{2}(\.\d+)?(z|[+-]\d{2}:\d{2})?$/i,
  'date-time': (s: string) => /^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}:\d{2}(\.\d+)?(z|[+-]\d{2}:\d{2})$/i.test(s) && isCalendarDate(s.slice(0, 10)),
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uri: (s: string) => /^[a-z][a-z\d+.-]*:/i.test(s) && URL.canParse(s),
  uuid: /^(urn:uuid:)?[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i,
  ipv4: /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
  hostname: /^(?=.{1,253}$)[a-z\d]([a-z\d-]{0,61}[a-z\d])?(\.[a-z\d]([a-z\d-]{0,61}[a-z\d])?)*$/i,
};

/** 2024-02-30 matches the pattern but is no date: Date rolls it over to March. */
function isCalendarDate(s: string): boolean {
  const date = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(s);
}
