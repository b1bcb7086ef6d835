import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodePythonJson, encodePythonJson, isMarkedFloat } from "../json/index.js";
import { decodeManifestText, encodeChunk, joinChunks, splitChunks } from "./manifest-text.js";

const entry = (i: number, extra: Record<string, unknown> = {}) => ({
  artifacts: [],
  author: "ana",
  created_at: "2025-01-20T13:23:30",
  dependencies: [],
  last_updated: "2025-01-20T13:23:30",
  last_updated_by: "ana",
  metrics: { auc: 0.5, n: i },
  name: `e${i}`,
  parameters: { nested: { b: [1, 2, { c: null }], a: "x" } },
  short_slug: `e${i}`,
  slug: `e${i}-20250120132330`,
  tags: ["t"],
  tests: [],
  ...extra,
});

describe("per-experiment manifest text", () => {
  it("joins chunks into exactly what encoding the whole list writes, and splits it back", () => {
    for (const n of [0, 1, 3]) {
      const list = Array.from({ length: n }, (_, i) => entry(i));
      const whole = encodePythonJson(list, { indent: 4, sortKeys: true });
      const chunks = list.map((e) => encodeChunk(e));
      expect(joinChunks(chunks)).toBe(whole);
      expect(splitChunks(whole)).toEqual(chunks);
    }
  });

  it("does not split text in another layout", () => {
    expect(splitChunks(JSON.stringify([entry(0)]))).toBeNull();
    expect(splitChunks(encodePythonJson([entry(0)], { indent: 2, sortKeys: true }))).toBeNull();
  });

  it("decodes what only Python's rules read right with the exact decoder, and offers no text for it", () => {
    const values = [1.0, 1e16, 2 ** 60, -0, NaN, Infinity, "é", 'quote " and \\ backslash'];
    for (const v of values) {
      const text = encodePythonJson([entry(0), entry(1, { metrics: { v: typeof v === "number" && Number.isInteger(v) ? v : v } })], {
        indent: 4,
        sortKeys: true,
      });
      const exact = decodePythonJson(text) as Array<{ metrics: Record<string, unknown> }>;
      const { entries, texts } = decodeManifestText(text, !/[^\x00-\x7f]/.test(text));
      expect(entries).toEqual(exact);
      expect(texts?.[0]).toBeDefined();
    }
    const floaty = encodePythonJson([{ ...entry(0), metrics: { one: 1.5 } }], { indent: 4, sortKeys: true }).replace("1.5", "1.0");
    const { entries, texts } = decodeManifestText(floaty, true);
    const metrics = (entries as Array<{ metrics: Record<string, unknown> }>)[0]!.metrics;
    expect(isMarkedFloat(metrics, "one")).toBe(true);
    expect(texts?.[0]).toBeUndefined();
    const big = encodePythonJson([{ ...entry(0), metrics: { big: 2n ** 64n } }], { indent: 4, sortKeys: true });
    expect((decodeManifestText(big, true).entries as Array<{ metrics: Record<string, unknown> }>)[0]!.metrics.big).toBe(2n ** 64n);
  });

  it("reports invalid JSON with Python's message and position", () => {
    const text = encodePythonJson([entry(0), entry(1)], { indent: 4, sortKeys: true }).replace('"ana"', "ana");
    let python: Error | undefined;
    try {
      decodePythonJson(text);
    } catch (err) {
      python = err as Error;
    }
    expect(() => decodeManifestText(text, true)).toThrow(python!.message);
  });

  it("decodes any JSON value list exactly as the Python-exact decoder does", () => {
    const value = fc.jsonValue().map((v) => ({ ...entry(0), parameters: { v } }));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 4 }), (list) => {
        const text = encodePythonJson(list, { indent: 4, sortKeys: true });
        const { entries } = decodeManifestText(text, !/[^\x00-\x7f]/.test(text));
        expect(encodePythonJson(entries, { indent: 4, sortKeys: true })).toBe(
          encodePythonJson(decodePythonJson(text), { indent: 4, sortKeys: true }),
        );
        expect(entries).toEqual(decodePythonJson(text));
      }),
      { numRuns: 300 },
    );
  });
});
