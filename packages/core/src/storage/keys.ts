/**
 * Key arithmetic shared by every backend and the domain model: parent folder,
 * joining, and the checks that keep user-supplied names inside their root.
 */
import { posix } from "node:path";
import { UnsafePathError } from "../errors.js";

/** The parent folder of a key, as Python's `Path(key).parent` (`"project.json"` gives `"."`). */
export function parentKey(key: string): string {
  return posix.dirname(key);
}

/** The last segment of a key. */
export function baseName(key: string): string {
  return posix.basename(key);
}

/**
 * Joins trusted folder keys. `.` vanishes as in pathlib (`join(".", "a")` is `"a"`);
 * use {@link safeJoin} for anything that came from a caller or a manifest.
 */
export function joinKey(...parts: string[]): string {
  return posix.join(...parts);
}

/**
 * Checks that `relative` is a relative path that stays inside its base on every
 * store: no `..` or `.` segment, no absolute path, no empty segment, no NUL. Any
 * other character is kept as it is, as Python lazyscribe keeps it: backslashes,
 * `C:`, `%2e`, tabs and newlines are ordinary name characters on POSIX disks and
 * object stores (their SDKs escape every key). On Windows, where the local disk
 * reads `\` as a separator and `C:` as a drive, those are refused too.
 * Returns the path unchanged.
 *
 * @param what - names the value in the error message, e.g. `artifact file name`.
 * @throws UnsafePathError when the path could escape its base.
 */
export function assertSafeRelative(relative: string, what: string): string {
  const reason = unsafeReason(relative);
  if (reason) {
    throw new UnsafePathError(
      `Refusing ${what} ${JSON.stringify(relative)}: ${reason}. Use a relative name made of plain segments separated by "/".`,
    );
  }
  return relative;
}

/** True when this runtime's local paths treat backslashes and drive letters specially. */
const WINDOWS = process.platform === "win32";

function unsafeReason(p: string): string | undefined {
  if (typeof p !== "string") return "it is not a string";
  if (p.length === 0) return "it is empty";
  if (p.includes("\u0000")) return "it contains a NUL character";
  if (p.startsWith("/")) return "it is an absolute path";
  if (WINDOWS && p.includes("\\")) return "it contains a backslash, a folder separator on Windows";
  if (WINDOWS && /^[a-zA-Z]:/.test(p)) return "it starts with a Windows drive";
  for (const segment of p.split("/")) {
    if (segment === "") return "it has an empty segment";
    if (segment === "." || segment === "..") return `it has a "${segment}" segment`;
  }
  return undefined;
}

/** Joins `base` with a caller- or manifest-supplied relative path after {@link assertSafeRelative}. */
export function safeJoin(base: string, relative: string, what: string): string {
  return posix.join(base, assertSafeRelative(relative, what));
}
