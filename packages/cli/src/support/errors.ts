/** Errors of the command line itself, on top of the library's. */
import { InvalidArgumentError } from "@lazyscribe/core";

/**
 * A command line that cannot be run as typed: a malformed `--filter`, an unknown `--sort`
 * column, a flag that does not apply. Exits with code 2, as usage errors do.
 */
export class UsageError extends InvalidArgumentError {}

/**
 * The one-line JSON form of an error on stderr under `--json`:
 * `{"error": {"type", "message", "exit_code"}}`, every non-ASCII character escaped.
 */
export function errorJson(type: string, message: string, exitCode: number): string {
  const line = JSON.stringify({ error: { type, message, exit_code: exitCode } });
  return `${line.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`)}\n`;
}
