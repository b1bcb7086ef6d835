/** Errors of the command line itself, on top of the library's. */
import { InvalidArgumentError } from "@lazyscribe/core";

/**
 * A command line that cannot be run as typed: a malformed `--filter`, an unknown `--sort`
 * column, a flag that does not apply. Exits with code 2, as usage errors do.
 */
export class UsageError extends InvalidArgumentError {}
