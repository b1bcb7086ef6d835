/**
 * `@lazyscribe/onnx`: the `onnx` artifact handler of Python's lazyscribe-onnx, for
 * lazyscribe for TypeScript. Importing this package registers it.
 *
 * A model a Python job logged with lazyscribe-onnx loads here as an `onnxruntime-node`
 * `InferenceSession`; a model logged here (its bytes) loads in Python with `onnx.load`.
 * `onnxruntime-node` is an optional peer dependency, needed only to create sessions.
 *
 * @packageDocumentation
 */
import { registerHandler } from "@lazyscribe/core";
import { onnxHandler } from "./onnx-handler.js";

export { createOnnxSession, onnxHandler, type OnnxReadOptions } from "./onnx-handler.js";
export { modelProtoProblem, onnxModelBytes } from "./model-bytes.js";
export { loadOnnxRuntime, ONNX_RUNTIME_PACKAGE, OnnxRuntimeUnavailableError, type OnnxRuntime } from "./runtime.js";
export type { InferenceSession } from "onnxruntime-common";

registerHandler(onnxHandler);
