/**
 * ISO 8601 text and epoch milliseconds, by arithmetic, for $fromMillis/$now without a picture and
 * $toMillis without one: Date#toISOString costs close to a microsecond a call on Node 20 and
 * Date.parse a fifth of one, several times what the calendar arithmetic does. Each function covers
 * the common forms exactly and leaves every other one to the Date built-in (the caller's fallback),
 * so the answers are the built-ins' by construction.
 */

const DAY = 86_400_000;
/** 0000-01-01T00:00:00.000Z: before it the year takes a sign and six digits. */
export const MIN_FOUR_DIGIT_YEAR_MILLIS = -62_167_219_200_000;
/** 9999-12-31T23:59:59.999Z: past it the year takes a sign and six digits. */
export const MAX_FOUR_DIGIT_YEAR_MILLIS = 253_402_300_799_999;

const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS: readonly string[] = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** "YYYY-MM-DDT" of a day since 1970-01-01 (civil_from_days), for the years 0 to 9999. */
function datePrefix(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${TWO_DIGITS[Math.floor(year / 100)]}${TWO_DIGITS[year % 100]}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T`;
}

/**
 * The last day formatted, and the last instant: records come in time order, so most share their
 * day with the one before, and many their instant (the lines of one order).
 */
let lastDays = NaN;
let lastPrefix = '';
let lastTime = NaN;
let lastText = '';

/**
 * Date#toISOString of `new Date(millis)` (the time value truncated to whole milliseconds), for
 * instants in the years 0 to 9999; undefined outside them (NaN too), where the caller decides.
 */
export function formatIso(millis: number): string | undefined {
  const time = Math.trunc(millis);
  if (time === lastTime) return lastText;
  if (!(time >= MIN_FOUR_DIGIT_YEAR_MILLIS && time <= MAX_FOUR_DIGIT_YEAR_MILLIS)) return undefined;
  const days = Math.floor(time / DAY);
  if (days !== lastDays) {
    lastPrefix = datePrefix(days);
    lastDays = days;
  }
  let rest = time - days * DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  lastText = `${lastPrefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[rest - seconds * 1000]}Z`;
  lastTime = time;
  return lastText;
}

const ZERO = 48;

/** The value of the digits at [from, from + count), or -1 if any is not an ASCII digit. */
function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let index = from; index < from + count; index++) {
    const digit = text.charCodeAt(index) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (year: number, month: number): number => (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]);

/**
 * Date.parse for the forms the Date Time String Format defines with an unambiguous instant, with
 * every field in range: `YYYY-MM-DD` (UTC midnight) and `YYYY-MM-DDTHH:mm:ss`, optionally `.s`,
 * `.ss` or `.sss`, then `Z` or `±HH:mm` (a time without an offset is local time: not here).
 * Undefined for any other text (odd forms, day 31 of a short month, hour 24, longer fractions,
 * `+hhmm`, …): the caller asks Date.parse. Every text accepted also matches jsonata's ISO 8601
 * pattern (see toMillis in builtins.ts): each digit is an ASCII digit within the pattern's ranges.
 */
export function parseIso(text: string): number | undefined {
  if (text === lastParsed) return lastParsedTime;
  const time = parseIsoText(text);
  if (time !== undefined) {
    lastParsed = text;
    lastParsedTime = time;
  }
  return time;
}

/** The last text parseIso read, and its instant (see lastTime). */
let lastParsed: string | undefined;
let lastParsedTime = NaN;

function parseIsoText(text: string): number | undefined {
  const length = text.length;
  if (length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined; // '-'
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const date = daysFromCivil(year, month, day) * DAY;
  if (length === 10) return date;
  if (length < 20 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined; // 'T', ':'
  const hours = digitsAt(text, 11, 2);
  const minutes = digitsAt(text, 14, 2);
  const seconds = digitsAt(text, 17, 2);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59) return undefined;
  let at = 19;
  let millis = 0;
  if (text.charCodeAt(at) === 46) { // '.'
    let digits = 0;
    while (at + 1 + digits < length && digits < 4 && digitsAt(text, at + 1 + digits, 1) >= 0) digits++;
    if (digits === 0 || digits > 3) return undefined;
    millis = digitsAt(text, at + 1, digits) * (digits === 1 ? 100 : digits === 2 ? 10 : 1);
    at += 1 + digits;
  }
  const time = date + hours * 3_600_000 + minutes * 60_000 + seconds * 1000 + millis;
  const zone = text.charCodeAt(at);
  if (zone === 90) return at + 1 === length ? time : undefined; // 'Z'
  if ((zone !== 43 && zone !== 45) || at + 6 !== length || text.charCodeAt(at + 3) !== 58) return undefined; // '+', '-', ':'
  const offsetHours = digitsAt(text, at + 1, 2);
  const offsetMinutes = digitsAt(text, at + 4, 2);
  if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59) return undefined;
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
  return zone === 43 ? time - offset : time + offset;
}
