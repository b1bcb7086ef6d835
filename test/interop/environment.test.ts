/** The Python side of the interop suite: present, and the pinned versions (fails, never skips, without the venv). */
import { describe, expect, it } from "vitest";
import { py, requirePython } from "./harness.js";

describe("the Python interop environment", () => {
  it("has the venv with the pinned lazyscribe, plugins (yaml, arrow, onnx with onnxruntime) and fsspec backends", () => {
    requirePython();
    const versions = py<Record<string, string | null>>("naming", {
      op: "versions",
      packages: [
        "lazyscribe",
        "python-slugify",
        "text-unidecode",
        "Unidecode",
        "fsspec",
        "s3fs",
        "gcsfs",
        "adlfs",
        "lazyscribe-yaml",
        "lazyscribe-arrow",
        "PyYAML",
        "lazyscribe-onnx",
        "onnx",
        "onnxruntime",
        "pyarrow",
        "numpy",
      ],
    });
    expect(versions).toMatchObject({
      lazyscribe: "2.2.2",
      "python-slugify": "8.0.4",
      "text-unidecode": "1.3",
      Unidecode: null, // python-slugify would prefer it and transliterate differently
      "lazyscribe-yaml": "0.2.1",
      "lazyscribe-arrow": "0.4.1",
      "lazyscribe-onnx": "0.1.3",
      onnx: "1.23.1",
      onnxruntime: "1.32.0",
      pyarrow: "25.0.1",
      numpy: "2.4.6",
    });
    for (const pkg of ["fsspec", "s3fs", "gcsfs", "adlfs", "PyYAML"]) expect(versions[pkg], pkg).toEqual(expect.any(String));
  });
});
