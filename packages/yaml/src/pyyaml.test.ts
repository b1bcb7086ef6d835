/** PyYAML 6 outputs recorded from `yaml.dump` (the interop suite compares with live Python on a larger corpus). */
import { describe, expect, it } from "vitest";
import { PyFloat, getHandler } from "@lazyscribe/core";
import { dumpPyYaml, loadPyYaml, toDumpOptions } from "./index.js";

describe("dumpPyYaml", () => {
  it.each([
    ["x", "x\n...\n"],
    ["yes", "'yes'\n"],
    [1, "1\n...\n"],
    [null, "null\n...\n"],
    [[], "[]\n"],
    [{ a: { b: [1, { c: [2] }] } }, "a:\n  b:\n  - 1\n  - c:\n    - 2\n"],
    [[[1, [2, { k: "v" }]], { a: 1, b: 2 }], "- - 1\n  - - 2\n    - k: v\n- a: 1\n  b: 2\n"],
    ["a\nb", "'a\n\n  b'\n"],
    ["tab\tx", '"tab\\tx"\n'],
    ["😀", '"\\U0001F600"\n'],
    [new PyFloat(1e-7), "1.0e-07\n...\n"],
    [NaN, ".nan\n...\n"],
    [{ b: 1, a: 2, "10": 3, "2": 4, é: 5 }, "'10': 3\n'2': 4\na: 2\nb: 1\n\"\\xE9\": 5\n"],
  ])("%j", (value, text) => {
    expect(dumpPyYaml(value)).toBe(text);
  });

  it("folds long plain scalars at a space past column 80", () => {
    expect(dumpPyYaml({ a: { i: `${"x".repeat(100)} ${"y".repeat(10)}` } })).toBe(`a:\n  i: ${"x".repeat(100)}\n    ${"y".repeat(10)}\n`);
  });

  it("refuses writer options it does not port", () => {
    expect(() => toDumpOptions({ indent: 4 })).toThrow(/indent/);
    expect(toDumpOptions({ default_flow_style: false, sort_keys: false })).toEqual({ sortKeys: false });
  });
});

describe("loadPyYaml", () => {
  it("resolves plain scalars as PyYAML's SafeLoader does and keeps floats floats", () => {
    const value = loadPyYaml("a: y\nb: 1e3\nc: yes\nd: 0x10\ne: 010\nf: 1:20\ng: 1.0\nh: 12345678901234567890\n") as Record<
      string,
      unknown
    >;
    expect(value).toEqual({ a: "y", b: "1e3", c: true, d: 16, e: 8, f: 80, g: 1, h: 12345678901234567890n });
    expect(dumpPyYaml(value)).toContain("g: 1.0\n");
  });

  it("is registered as the yaml handler", () => {
    expect(getHandler("yaml").suffix).toBe("yaml");
  });
});
