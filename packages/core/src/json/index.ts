/**
 * The JSON codec that reads and writes text exactly as Python's `json` module does.
 *
 * @packageDocumentation
 */
export {
  clonePythonJson,
  compareCodePoints,
  decodePythonJson,
  encodePythonJson,
  formatPythonFloat,
  isMarkedFloat,
  JsonDecodeError,
  JsonEncodeError,
  markFloat,
  MAX_JSON_DEPTH,
  PyFloat,
  setOwnKey,
  unmarkFloat,
} from "./python-json.js";
export type { JsonContainerKey, PythonJsonEncodeOptions } from "./python-json.js";
