/**
 * The `onnx` handler of Python's lazyscribe-onnx 0.1: alias `onnx`, suffix `onnx`,
 * binary, no extra manifest fields. The file is the serialised `ModelProto` that
 * `onnx.save` writes, so either side reads the other's files unchanged.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError, type ArtifactHandler, type HandlerOptions } from "@lazyscribe/core";
import type { InferenceSession } from "onnxruntime-common";
import { onnxModelBytes } from "./model-bytes.js";
import { loadOnnxRuntime } from "./runtime.js";

/** Reader options of the `onnx` handler (`loadArtifact(name, { readOptions })`). */
export interface OnnxReadOptions {
  /**
   * `"session"` (default): an `onnxruntime-node` `InferenceSession`, ready to `run()`.
   * `"bytes"`: the model file's bytes (no runtime needed), for example to hand to another runtime.
   */
  as?: "session" | "bytes";
  /** Options of `InferenceSession.create` (execution providers, thread counts, graph optimisation...). */
  sessionOptions?: InferenceSession.SessionOptions;
}

const READ_KEYS = new Set(["as", "sessionOptions"]);

/**
 * Creates an `InferenceSession` from model bytes with `onnxruntime-node`.
 *
 * @throws OnnxRuntimeUnavailableError when `onnxruntime-node` is not installed or cannot load.
 */
export async function createOnnxSession(model: Uint8Array, sessionOptions?: InferenceSession.SessionOptions): Promise<InferenceSession> {
  const runtime = await loadOnnxRuntime();
  return runtime.InferenceSession.create(model, sessionOptions);
}

function readOptions(options: HandlerOptions): OnnxReadOptions {
  const unknown = Object.keys(options).filter((k) => !READ_KEYS.has(k));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `The onnx handler's reader takes "as" and "sessionOptions" (got ${unknown.join(", ")}); ` +
        `Python's onnx.load keywords (external data, formats) are not supported.`,
    );
  }
  const { as = "session", sessionOptions } = options as OnnxReadOptions;
  if (as !== "session" && as !== "bytes")
    throw new InvalidArgumentError(`The onnx reader option "as" must be "session" or "bytes"; got ${JSON.stringify(as)}.`);
  if (sessionOptions !== undefined && (typeof sessionOptions !== "object" || sessionOptions === null))
    throw new InvalidArgumentError(`The onnx reader option "sessionOptions" must be an object of InferenceSession.SessionOptions.`);
  return { as, sessionOptions };
}

/**
 * The `onnx` handler. Write: the model's bytes (a `Uint8Array` or `ArrayBuffer` holding a
 * serialised `ModelProto`, checked before it is stored). Read: an `InferenceSession`
 * (default) or the bytes (`{ as: "bytes" }`), see {@link OnnxReadOptions}. Writer options
 * are refused: Python passes them to `onnx.save` (external data), which is not modelled.
 */
export const onnxHandler: ArtifactHandler<unknown> = {
  alias: "onnx",
  suffix: "onnx",
  binary: true,
  outputOnly: false,
  encode: (value, options) => {
    const keys = Object.keys(options);
    if (keys.length > 0) throw new InvalidArgumentError(`The onnx handler takes no writer options (got ${keys.join(", ")}).`);
    return onnxModelBytes(value);
  },
  decode: async (data, options): Promise<InferenceSession | Uint8Array> => {
    const { as, sessionOptions } = readOptions(options);
    if (as === "bytes") return data;
    return createOnnxSession(data, sessionOptions);
  },
};
