/**
 * The library clock and Python-compatible timestamp text. lazyscribe keeps
 * "naive UTC" timestamps: a `Date` here always means a UTC wall time, written
 * without a zone.
 */
import { InvalidVersionError, ManifestError } from "../errors.js";

/**
 * Order of the system clock's readings within one millisecond. Python's clock has
 * microseconds, so two experiments created in the same millisecond still sort in
 * creation order there; `Date` would tie them. Readings of a replaced (for example
 * frozen) clock carry no rank, so they tie exactly as Python's frozen clock does.
 */
const subMillisecondRank = new WeakMap<Date, number>();
let lastMillisecond = Number.NaN;
let rankInMillisecond = 0;

function systemClock(): Date {
  const date = new Date();
  const ms = date.getTime();
  rankInMillisecond = ms === lastMillisecond ? rankInMillisecond + 1 : 0;
  lastMillisecond = ms;
  if (rankInMillisecond > 0) subMillisecondRank.set(date, rankInMillisecond);
  return date;
}

let clock: () => Date = systemClock;

/** The current time from the library clock. */
export function now(): Date {
  return clock();
}

/**
 * Compares two times as Python compares its microsecond datetimes: by
 * millisecond, then, for readings of the system clock within one millisecond, by
 * the order they were read in. Negative when `a` is earlier.
 */
export function compareTimes(a: Date, b: Date): number {
  return a.getTime() - b.getTime() || (subMillisecondRank.get(a) ?? 0) - (subMillisecondRank.get(b) ?? 0);
}

/**
 * Replaces the library clock (for tests and reproducible runs); returns a
 * function that restores the previous one.
 */
export function setClock(fn: () => Date): () => void {
  const previous = clock;
  clock = fn;
  return () => {
    clock = previous;
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `YYYY-MM-DDTHH:MM:SS` (fraction cut, not rounded), as Python's `isoformat(timespec="seconds")`. */
export function isoSeconds(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

/** Python's printed form of a naive datetime (`2025-01-21 00:00:00`), used in error messages. */
export function pythonDateText(date: Date): string {
  const ms = date.getUTCMilliseconds();
  return isoSeconds(date).replace("T", " ") + (ms ? `.${pad(ms, 3)}000` : "");
}

/**
 * The stamp `YYYYMMDDHHMMSS` used in slugs and default file names, as Python's
 * `strftime("%Y%m%d%H%M%S")`: glibc does not pad `%Y`, so year 999 gives `999...` (13 digits).
 */
export function stamp(date: Date): string {
  return String(date.getUTCFullYear()) + isoSeconds(date).slice(4).replace(/[-T:]/g, "");
}

/**
 * `Date.UTC` for any year: it maps years 0-99 to 1900-1999, which would turn a
 * Python `0005-01-02T03:04:05` into 1905.
 */
function utcDate(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): Date {
  const date = new Date(Date.UTC(2000, mo, d, h, mi, s, ms));
  date.setUTCFullYear(y, mo, d);
  return date;
}

/** The timestamp cut to whole seconds, as it is after a save and reload. */
export function truncateToSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

const ISO_EXTENDED = /^(\d{4})-(\d{2})-(\d{2})(?:.(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?)?)?(Z|[+-]\d{2}:?\d{2}(?::?\d{2})?)?$/s;
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})?(\d{2})?(?:[.,](\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a timestamp as Python's `datetime.fromisoformat` (3.11) does: dates,
 * minutes, seconds, fractions, any one separator, `Z` or offsets (converted to
 * naive UTC) and the compact `20220101T093000` form.
 *
 * @throws ManifestError when the text is not such a timestamp.
 */
export function parseIsoTimestamp(text: string, where = "timestamp"): Date {
  const m = typeof text === "string" ? (ISO_EXTENDED.exec(text) ?? ISO_BASIC.exec(text)) : null;
  if (!m) throw new ManifestError(`Invalid ${where} ${JSON.stringify(text)}: expected an ISO 8601 date-time such as 2025-01-20T13:23:30.`);
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone] = m;
  const date = utcDate(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, "0").slice(0, 3)));
  let ms = date.getTime();
  if (
    Number.isNaN(ms) ||
    Number(y) < 1 ||
    date.getUTCDate() !== Number(d) ||
    date.getUTCMonth() !== Number(mo) - 1 ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    throw new ManifestError(`Invalid ${where} ${JSON.stringify(text)}: not a real date and time.`);
  }
  if (zone && zone !== "Z") {
    const z = /^([+-])(\d{2}):?(\d{2})/.exec(zone)!;
    ms -= (z[1] === "-" ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60_000;
  }
  return new Date(ms);
}

const STRICT_VERSION = /^(\d{4})-(\d{1,2})-(\d{1,2})T(\d{1,2}):(\d{1,2}):(\d{1,2})$/;

/**
 * Parses a version or expiry string with Python's strict `%Y-%m-%dT%H:%M:%S`
 * (one-digit fields allowed, no fraction, no zone).
 *
 * @throws InvalidVersionError when the text does not match.
 */
export function parseVersionString(text: string): Date {
  const m = STRICT_VERSION.exec(text);
  const fail = () =>
    new InvalidVersionError(
      `Invalid version ${JSON.stringify(text)}: expected the format YYYY-MM-DDTHH:MM:SS, for example 2025-01-20T13:23:30.`,
    );
  if (!m) throw fail();
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = utcDate(y, mo - 1, d, h, mi, s, 0);
  if (y < 1 || date.getUTCDate() !== d || date.getUTCMonth() !== mo - 1 || h > 23 || mi > 59 || s > 59) throw fail();
  return date;
}
