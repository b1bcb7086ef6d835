/**
 * Fast checks of decoded `project.json` entries, so opening a large project does
 * not pay for a schema library on every entry:
 * - {@link isWellFormedEntry}: true only for entries the zod schema accepts (the
 *   schema still runs, for its message, on anything else);
 * - {@link isCanonicalEntry}: the entry is laid out exactly as encoding it again
 *   would write it, so its text can be reused by later saves.
 */
import { compareCodePoints } from "../json/index.js";
import { parseIsoTimestamp } from "../time/index.js";

/** The keys Python writes for an experiment, in the sorted order it writes them. */
const ENTRY_KEYS = [
  "artifacts",
  "author",
  "created_at",
  "dependencies",
  "last_updated",
  "last_updated_by",
  "metrics",
  "name",
  "parameters",
  "short_slug",
  "slug",
  "tags",
  "tests",
] as const;
const ENTRY_KEY_SET: ReadonlySet<string> = new Set(ENTRY_KEYS);
const TEST_KEYS = ["artifacts", "description", "metrics", "name", "parameters"] as const;
const TEST_KEY_SET: ReadonlySet<string> = new Set(TEST_KEYS);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function optional(v: unknown, check: (v: unknown) => boolean): boolean {
  return v === undefined || check(v);
}

const isString = (v: unknown): boolean => typeof v === "string";
const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every(isString);

function hasOnlyKeys(v: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const k in v) if (!allowed.has(k) || !Object.prototype.hasOwnProperty.call(v, k)) return false;
  return true;
}

function isWellFormedTest(t: unknown): boolean {
  return (
    isRecord(t) &&
    hasOnlyKeys(t, TEST_KEY_SET) &&
    typeof t.name === "string" &&
    optional(t.description, (d) => d === null || typeof d === "string") &&
    optional(t.metrics, isRecord) &&
    optional(t.parameters, isRecord) &&
    optional(t.artifacts, Array.isArray)
  );
}

/** True when `raw` is an experiment entry `experimentEntrySchema` accepts (a subset of them: the common ones). */
export function isWellFormedEntry(raw: unknown): boolean {
  return (
    isRecord(raw) &&
    hasOnlyKeys(raw, ENTRY_KEY_SET) &&
    typeof raw.name === "string" &&
    typeof raw.created_at === "string" &&
    typeof raw.last_updated === "string" &&
    optional(raw.author, isString) &&
    optional(raw.last_updated_by, isString) &&
    optional(raw.short_slug, isString) &&
    optional(raw.slug, isString) &&
    optional(raw.metrics, isRecord) &&
    optional(raw.parameters, isRecord) &&
    optional(raw.dependencies, (d) => d === null || isStringArray(d)) &&
    optional(raw.tags, isStringArray) &&
    optional(raw.artifacts, Array.isArray) &&
    optional(raw.tests, (t) => Array.isArray(t) && t.every(isWellFormedTest))
  );
}

const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/**
 * Parses a manifest timestamp; the `YYYY-MM-DDTHH:MM:SS` form Python writes takes a
 * fast path, anything else goes through {@link parseIsoTimestamp} (and its errors).
 */
export function parseManifestTime(text: string, where: () => string): Date {
  if (text.length === 19 && CANONICAL_TIME.test(text)) {
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 2);
    const day = digits(text, 8, 2);
    const hour = digits(text, 11, 2);
    const minute = digits(text, 14, 2);
    const second = digits(text, 17, 2);
    // Date.UTC maps years below 100 to 19xx, and rolls impossible dates over: those go the full way.
    if (year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour < 24 && minute < 60 && second < 60)
      return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  }
  return parseIsoTimestamp(text, where());
}

function digits(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

function keysInOrder(v: Record<string, unknown>, expected: readonly string[]): boolean {
  let i = 0;
  for (const k in v) if (k !== expected[i++]) return false;
  return i === expected.length;
}

// Every object's keys in code point order, at every depth (Python's sort_keys).
function isSortedDeep(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(isSortedDeep);
  if (typeof v !== "object" || v === null) return true;
  let previous: string | undefined;
  for (const k in v) {
    if (previous !== undefined && compareCodePoints(previous, k) >= 0) return false;
    previous = k;
    if (!isSortedDeep((v as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** What an artifact's entry must look like for its text to be reused: its keys are exactly those `toJSON()` writes. */
export function isCanonicalArtifact(raw: unknown, written: Record<string, unknown>): boolean {
  if (!isRecord(raw) || !isSortedDeep(raw)) return false;
  let n = 0;
  for (const k in raw) {
    if (!(k in written)) return false;
    n++;
  }
  if (n !== Object.keys(written).length) return false;
  return raw.created_at === written.created_at && raw.expiry === written.expiry;
}

/**
 * True when encoding this (well-formed) entry again would write the text it was read
 * from: every key present in sorted order, canonical timestamps, no dependencies
 * (their names are re-derived from the registry on every save). Artifacts are checked
 * by the caller with {@link isCanonicalArtifact}.
 */
export function isCanonicalEntry(raw: Record<string, unknown>): boolean {
  if (!keysInOrder(raw, ENTRY_KEYS)) return false;
  if (!Array.isArray(raw.dependencies) || raw.dependencies.length !== 0) return false;
  if ((raw.created_at as string).length !== 19 || (raw.last_updated as string).length !== 19) return false;
  if (!isSortedDeep(raw.metrics) || !isSortedDeep(raw.parameters)) return false;
  for (const t of raw.tests as unknown[]) {
    const test = t as Record<string, unknown>;
    if (!keysInOrder(test, TEST_KEYS) || !isSortedDeep(test.metrics) || !isSortedDeep(test.parameters)) return false;
  }
  return true;
}
