import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml, jsonForScriptElement } from "./embed.js";
import { toReportValue } from "./values.js";
import { PyFloat } from "@lazyscribe/core";

describe("jsonForScriptElement", () => {
  it("gives back any JSON value through JSON.parse, with no character that could end or confuse a script element", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: "binary" }), (value, text) => {
        for (const v of [value, { text }, [text, `</script>${text}<!--`]]) {
          const embedded = jsonForScriptElement(v);
          expect(embedded).not.toMatch(/[<>&\u2028\u2029]/);
          expect(JSON.parse(embedded)).toEqual(JSON.parse(JSON.stringify(v)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("escapes the closing tag of the element", () => {
    expect(jsonForScriptElement({ a: "</script><script>alert(1)</script>" })).toBe(
      '{"a":"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"}',
    );
  });
});

describe("escapeHtml", () => {
  it("escapes markup and quotes", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });
});

describe("toReportValue", () => {
  it("keeps finite numbers, writes other values as Python text", () => {
    expect(toReportValue(0.5)).toBe(0.5);
    expect(toReportValue(new PyFloat(1))).toBe(1);
    expect(toReportValue(Number.NaN)).toBe("NaN");
    expect(toReportValue(-Infinity)).toBe("-Infinity");
    expect(toReportValue(12n)).toBe(12);
    expect(toReportValue(2n ** 80n)).toBe("1208925819614629174706176");
    expect(toReportValue([1, "a"])).toBe('[1, "a"]');
    expect(toReportValue({ b: 1, a: null })).toBe('{"b": 1, "a": null}');
    expect(toReportValue(undefined)).toBeNull();
    expect(toReportValue(true)).toBe(true);
  });
});
