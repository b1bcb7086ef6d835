/**
 * `@lazyscribe/core`: the domain model, the storage protocol, the errors and
 * the Python-compatible formats of lazyscribe for TypeScript.
 *
 * @packageDocumentation
 */
export * from "./errors.js";
export * from "./storage/index.js";
