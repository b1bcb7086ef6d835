/**
 * What the `onnx` handler accepts as a model: the bytes of a serialised ONNX
 * `ModelProto`, as `onnx.save` writes them. A cheap structural check (the
 * protobuf wire format holds together, and the `ir_version` and `graph` fields
 * of `ModelProto` are there) refuses text, JSON, pickles and truncated files
 * before they are stored, without needing the ONNX runtime.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from "@lazyscribe/core";

/** `ModelProto` field numbers (onnx.proto3): `ir_version` (varint) and `graph` (length-delimited). */
const IR_VERSION_FIELD = 1;
const GRAPH_FIELD = 7;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** The model bytes of a value given to `logArtifact`, checked; a copy is never made. */
export function onnxModelBytes(value: unknown): Uint8Array {
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) bytes = value;
  else if (value instanceof ArrayBuffer) bytes = new Uint8Array(value);
  else {
    const what = value === null ? "null" : typeof value === "object" ? (value.constructor?.name ?? "object") : typeof value;
    throw new InvalidArgumentError(
      `The onnx handler logs a model's bytes: a Uint8Array (or ArrayBuffer) holding a serialised ONNX ModelProto, ` +
        `as onnx.save writes it (for example readFileSync("model.onnx")); got ${what}. ` +
        `An InferenceSession cannot be written back: log the bytes it was created from.`,
    );
  }
  const problem = modelProtoProblem(bytes);
  if (problem) {
    throw new InvalidArgumentError(
      `The value given to the onnx handler is not an ONNX model (${problem}). Log the bytes of a .onnx file, as onnx.save writes it.`,
    );
  }
  return bytes;
}

/** Why `bytes` is not a serialised `ModelProto`, or `null` when its top level looks like one. */
export function modelProtoProblem(bytes: Uint8Array): string | null {
  if (bytes.byteLength === 0) return "it is empty";
  let pos = 0;
  let hasIrVersion = false;
  let hasGraph = false;
  const varint = (): number | null => {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10 && pos < bytes.byteLength; i++) {
      const byte = bytes[pos++]!;
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
    }
    return null;
  };
  while (pos < bytes.byteLength) {
    const at = pos;
    const tag = varint();
    if (tag === null) return `a field key at byte ${at} is cut off`;
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0) return `byte ${at} holds field number 0`;
    switch (wire) {
      case WIRE_VARINT:
        if (varint() === null) return `the value of field ${field} at byte ${at} is cut off`;
        if (field === IR_VERSION_FIELD) hasIrVersion = true;
        break;
      case WIRE_FIXED64:
        pos += 8;
        break;
      case WIRE_FIXED32:
        pos += 4;
        break;
      case WIRE_LENGTH_DELIMITED: {
        const length = varint();
        if (length === null) return `the length of field ${field} at byte ${at} is cut off`;
        pos += length;
        if (field === GRAPH_FIELD) hasGraph = true;
        break;
      }
      default:
        return `byte ${at} holds wire type ${wire}, which ONNX files do not use`;
    }
    if (pos > bytes.byteLength) return `field ${field} at byte ${at} runs past the end (the file is truncated)`;
  }
  if (!hasIrVersion) return "it has no ir_version field";
  if (!hasGraph) return "it has no graph";
  return null;
}
