/**
 * `@lazyscribe/core`: the domain model, the storage protocol, the errors and
 * the Python-compatible formats of lazyscribe for TypeScript.
 *
 * @packageDocumentation
 */
export * from "./errors.js";
export * from "./storage/index.js";
export * from "./time/index.js";
export * from "./json/index.js";
export * from "./naming/index.js";
export * from "./artifacts/index.js";
export * from "./model/index.js";
