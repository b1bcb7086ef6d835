/** Option value parsers shared by the commands; a bad value is a usage error (exit code 2). */
import { InvalidArgumentError } from "@commander-js/extra-typings";

/** Accumulates a repeatable option. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Accumulates a repeatable option whose values may also be comma-separated. */
export function collectList(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

/** A whole number above zero. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number above 0.");
  return n;
}

/** A whole number, zero or more. */
export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("expected a whole number (0 or more).");
  return n;
}

/**
 * A version selector as typed: a version number (`2`), `latest` (the newest live version) or a
 * timestamp `YYYY-MM-DDTHH:MM:SS` (checked by the library).
 */
export function versionSelector(value: string): number | string | null {
  if (/^\d+$/.test(value)) return Number(value);
  if (value === "latest") return null;
  return value;
}
