/**
 * The alias → handler registry: the counterpart of Python's
 * `lazyscribe.artifact_type` entry points, extended at run time.
 */
import { InvalidArgumentError, UnknownHandlerError } from "../errors.js";
import { bytesHandler, jsonHandler, textHandler } from "./builtin-handlers.js";
import type { ArtifactHandler } from "./handler.js";

const handlers = new Map<string, ArtifactHandler>([
  [jsonHandler.alias, jsonHandler],
  [textHandler.alias, textHandler as ArtifactHandler],
  [bytesHandler.alias, bytesHandler as ArtifactHandler],
]);

/**
 * Registers a handler under its alias (a plugin package calls this on import).
 * Registering an alias again replaces the earlier handler.
 */
export function registerHandler<T>(handler: ArtifactHandler<T>): void {
  if (!handler || typeof handler.alias !== "string" || !/^[A-Za-z0-9_.-]+$/.test(handler.alias)) {
    throw new InvalidArgumentError(
      `A handler needs an alias made of letters, digits, "_", "." or "-"; got ${JSON.stringify(handler?.alias)}.`,
    );
  }
  for (const fn of ["encode", "decode"] as const) {
    if (typeof handler[fn] !== "function") throw new InvalidArgumentError(`Handler "${handler.alias}" has no ${fn}() function.`);
  }
  handlers.set(handler.alias, handler as ArtifactHandler);
}

/** The handler registered under `alias`, or `undefined`. */
export function findHandler(alias: string): ArtifactHandler | undefined {
  return handlers.get(alias);
}

/**
 * The handler registered under `alias`.
 *
 * @throws UnknownHandlerError naming the registered aliases.
 */
export function getHandler(alias: string): ArtifactHandler {
  const handler = handlers.get(alias);
  if (!handler) {
    throw new UnknownHandlerError(
      `No artifact handler "${alias}" is registered (registered: ${[...handlers.keys()].join(", ")}). Install the plugin that provides it and import it, or call registerHandler().`,
    );
  }
  return handler;
}

/** The registered aliases. */
export function handlerAliases(): string[] {
  return [...handlers.keys()];
}
