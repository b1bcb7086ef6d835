/**
 * The ONNX runtime, loaded on first use: `onnxruntime-node` is an optional peer
 * dependency (its install is large and its install script reaches outside the
 * npm registry), so importing this package never needs it; only loading a model
 * as an `InferenceSession` does, and then a missing or broken runtime gives an
 * {@link OnnxRuntimeUnavailableError} that says how to install it.
 *
 * @packageDocumentation
 */
import { ArtifactLoadError } from "@lazyscribe/core";
import type { InferenceSession } from "onnxruntime-common";

/** The package name of the runtime this handler uses. */
export const ONNX_RUNTIME_PACKAGE = "onnxruntime-node";

/** The part of `onnxruntime-node` the handler uses. */
export interface OnnxRuntime {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
}

/** `onnxruntime-node` is not installed, or is installed but could not load (for example a missing native library). */
export class OnnxRuntimeUnavailableError extends ArtifactLoadError {}

const INSTALL_HINT =
  `Install it next to lazyscribe: \`npm install ${ONNX_RUNTIME_PACKAGE}\` (the CPU runtime ships inside the npm package; ` +
  `its install script only fetches optional CUDA libraries from api.nuget.org, so skip it with ` +
  `ONNXRUNTIME_NODE_INSTALL=skip or "allowScripts": { "${ONNX_RUNTIME_PACKAGE}": false } in package.json). ` +
  `Or load the model's bytes instead, with { readOptions: { as: "bytes" } }.`;

let loaded: Promise<OnnxRuntime> | undefined;

/**
 * Imports `onnxruntime-node` once (a failed import is retried on the next call).
 *
 * @throws OnnxRuntimeUnavailableError when it is not installed or cannot load.
 */
export function loadOnnxRuntime(): Promise<OnnxRuntime> {
  loaded ??= importRuntime().catch((err: unknown) => {
    loaded = undefined;
    throw err;
  });
  return loaded;
}

async function importRuntime(): Promise<OnnxRuntime> {
  let runtime: Partial<OnnxRuntime> & { default?: Partial<OnnxRuntime> };
  try {
    runtime = (await import(ONNX_RUNTIME_PACKAGE)) as typeof runtime;
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code;
    const message = String((cause as Error | null)?.message ?? cause);
    if ((code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && message.includes(ONNX_RUNTIME_PACKAGE)) {
      throw new OnnxRuntimeUnavailableError(
        `Loading an onnx artifact as an InferenceSession needs the optional peer dependency ${ONNX_RUNTIME_PACKAGE}, which is not installed. ${INSTALL_HINT}`,
        { cause },
      );
    }
    throw new OnnxRuntimeUnavailableError(
      `${ONNX_RUNTIME_PACKAGE} is installed but failed to load (${message}). Reinstall it for this platform (${process.platform}/${process.arch}, Node ${process.versions.node}). ${INSTALL_HINT}`,
      { cause },
    );
  }
  const session = runtime.InferenceSession ?? runtime.default?.InferenceSession;
  if (typeof session?.create !== "function") {
    throw new OnnxRuntimeUnavailableError(`${ONNX_RUNTIME_PACKAGE} loaded, but it has no InferenceSession.create(). ${INSTALL_HINT}`);
  }
  return { InferenceSession: session };
}
