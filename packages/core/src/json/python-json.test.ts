import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
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
  unmarkFloat,
  type PythonJsonEncodeOptions,
} from "./python-json.js";

// Only the standard library is needed; LAZYSCRIBE_PYTHON overrides the interpreter.
const PYTHON = process.env.LAZYSCRIBE_PYTHON || "python3";

// One helper for every check against CPython; the request and reply travel as strict JSON.
const PY_HELPER = `
import json, math, random, struct, sys
req = json.load(sys.stdin)
mode = req["mode"]
def opts(o):
    out = {}
    if "indent" in o: out["indent"] = o["indent"]
    if "sortKeys" in o: out["sort_keys"] = o["sortKeys"]
    if "ensureAscii" in o: out["ensure_ascii"] = o["ensureAscii"]
    if "separators" in o: out["separators"] = tuple(o["separators"])
    return out
if mode == "dumps":
    res = [json.dumps(eval(c["expr"]), **opts(c["opts"])) for c in req["cases"]]
elif mode == "redump":
    res = [json.dumps(json.loads(c["text"]), **opts(c["opts"])) for c in req["cases"]]
elif mode == "errors":
    res = []
    for text in req["texts"]:
        try:
            json.loads(text); res.append(None)
        except json.JSONDecodeError as e:
            res.append(str(e))
elif mode == "floats":
    rng = random.Random(req["seed"])
    xs = []
    for _ in range(req["count"]):
        xs.append(struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0])
        xs.append(round(rng.uniform(-1e6, 1e6), rng.randint(0, 12)))
        xs.append(float(rng.randint(-10**18, 10**18)))
        xs.append(rng.random() * 10.0 ** rng.randint(-320, 308))
    xs += [10.0 ** k for k in range(-30, 31)] + [2.0 ** k for k in range(-1074, 1024, 7)]
    xs += [5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 9007199254740992.0, 9007199254740993.0, 0.1 + 0.2]
    ints = [2 ** 53 - 1, 2 ** 53, 2 ** 53 + 1, -(2 ** 53) + 1, -(2 ** 53), 10 ** 30, -(10 ** 30), 0, -1]
    doc = {"floats": xs, "ints": ints, "mixed": [[x, int(x)] if math.isfinite(x) and abs(x) < 1e300 else [x] for x in xs[:500]]}
    res = {"default": json.dumps(doc), "manifest": json.dumps(doc, sort_keys=True, indent=4)}
elif mode == "bench":
    rng = random.Random(7)
    exps = []
    while len(exps) < req["experiments"]:
        k = len(exps)
        exps.append({
            "name": f"experiment {k} \\u00e9\\u00e8 \\u65e5\\u672c",
            "author": "data-scientist",
            "created_at": "2025-01-20T13:23:30", "last_updated": "2025-01-20T13:23:31",
            "short_slug": f"experiment-{k}", "slug": f"experiment-{k}-20250120132330",
            "dependencies": [f"other-project.json|experiment-{j}-20250120132330" for j in range(k % 3)],
            "tags": ["baseline", "v2"][: k % 3],
            "metrics": {f"metric_{m}": rng.random() for m in range(15)} | {"count": rng.randint(0, 10**6), "loss": float(rng.randint(0, 9))},
            "parameters": {"model": {"depth": rng.randint(1, 20), "lr": 10.0 ** -rng.randint(1, 6), "layers": [64, 32, 16]}, "features": [f"f{j}" for j in range(10)], "seed": 42},
            "tests": [{"name": f"subpopulation {t}", "description": None, "metrics": {"auc": rng.random(), "n": rng.randint(1, 10**4)}, "artifacts": []} for t in range(2)],
            "artifacts": [{"name": "features", "fname": f"features-2025012013233{k % 10}.json", "handler": "json", "created_at": "2025-01-20T13:23:30", "python_version": "3.11.7", "version": 0, "dirty": False}],
        })
    res = json.dumps(exps, sort_keys=True, indent=4)
print(json.dumps(res), end="")
`;

function python<T>(request: object): T {
  const run = spawnSync(PYTHON, ["-c", PY_HELPER], { input: JSON.stringify(request), maxBuffer: 1 << 30 });
  if (run.error || run.status !== 0) {
    throw new Error(`Cannot run ${PYTHON} (set LAZYSCRIBE_PYTHON to a Python 3.11): ${run.error?.message ?? run.stderr.toString()}`);
  }
  return JSON.parse(run.stdout.toString()) as T;
}

/** A Python expression for a string, via a JSON literal (which is valid Python). */
const pyStr = (s: string): string => JSON.stringify(s);
/** A Python expression for strict-JSON data. */
const pyJson = (v: unknown): string => `json.loads(${JSON.stringify(JSON.stringify(v))})`;

const MANIFEST: PythonJsonEncodeOptions = { indent: 4, sortKeys: true };
const TRICKY_TEXT = 'é\u2028\u2029\u007f/\\"\b\f\n\r\t\u0000\u001f\u0080😀 \ud800 lone \udfff~';

interface Case {
  name: string;
  js: unknown;
  py: string;
  opts?: PythonJsonEncodeOptions;
  /** Python cannot sort the keys (they have mixed types). */
  unsortable?: true;
  /** A bare top-level float: decoding gives a plain number, so `2.0` comes back as `2`. */
  bareFloat?: true;
}

const SPEC_FLOATS: [number, string, string][] = [
  [1, "1.0", "1.0"],
  [100, "100.0", "100.0"],
  [0.1, "0.1", "0.1"],
  [0.0001, "0.0001", "0.0001"],
  [1e-5, "1e-05", "1e-05"],
  [1e-7, "1e-07", "1e-07"],
  [1e15, "1000000000000000.0", "1e15"],
  [1e16, "1e+16", "1e16"],
  [1.5e300, "1.5e+300", "1.5e300"],
  [-0, "-0.0", "-0.0"],
  [5e-324, "5e-324", "5e-324"],
  [1 / 3, "0.3333333333333333", "1/3"],
  [NaN, "NaN", "float('nan')"],
  [Infinity, "Infinity", "float('inf')"],
  [-Infinity, "-Infinity", "float('-inf')"],
];

const CASES: Case[] = [
  ...SPEC_FLOATS.map(([x, , py]): Case => ({ name: `float ${py}`, js: [new PyFloat(x)], py: `[${py}]`, opts: MANIFEST })),
  {
    name: "big ints",
    js: [9007199254740993n, 2n ** 100n, -(2n ** 64n), 0n],
    py: "[9007199254740993, 2**100, -(2**64), 0]",
    opts: MANIFEST,
  },
  { name: "plain numbers", js: [1, -1, 0, 0.5, 1e21, -0, 2 ** 53 - 1], py: "[1, -1, 0, 0.5, 1e21, 0, 2**53 - 1]" },
  { name: "strings", js: { s: TRICKY_TEXT }, py: `{"s": ${pyStr(TRICKY_TEXT)}}`, opts: MANIFEST },
  { name: "strings without ensure_ascii", js: [TRICKY_TEXT], py: `[${pyStr(TRICKY_TEXT)}]`, opts: { ensureAscii: false } },
  {
    name: "code point key order",
    js: { "\uff5e": 1, "\u{1F600}": 2, a: 3, B: 4, é: 5, "": 6, "\ud83d": 7, "\ue000": 8, "\u{10000}": 9 },
    py: pyJson({ "\uff5e": 1, "\u{1F600}": 2, a: 3, B: 4, é: 5, "": 6, "\ud83d": 7, "\ue000": 8, "\u{10000}": 9 }),
    opts: MANIFEST,
  },
  {
    name: "nested empty containers",
    js: { a: [], b: {}, c: [[], [{}], { d: [] }] },
    py: pyJson({ a: [], b: {}, c: [[], [{}], { d: [] }] }),
    opts: MANIFEST,
  },
  { name: "empty top level", js: [], py: "[]", opts: MANIFEST },
  { name: "insertion order", js: { b: 1, a: [2, { z: 0, y: 1 }] }, py: pyJson({ b: 1, a: [2, { z: 0, y: 1 }] }) },
  {
    name: "releases.json",
    js: [{ tag: "1.4.0", artifacts: [["model", 2]], created_at: "2026-02-01T08:00:00" }],
    py: pyJson([{ tag: "1.4.0", artifacts: [["model", 2]], created_at: "2026-02-01T08:00:00" }]),
  },
  { name: "indent 0", js: { a: [1, { b: null }], c: true }, py: pyJson({ a: [1, { b: null }], c: true }), opts: { indent: 0 } },
  { name: "indent 2 unsorted", js: { z: [1, 2], a: false }, py: pyJson({ z: [1, 2], a: false }), opts: { indent: 2 } },
  { name: "indent tab", js: { z: [1, 2], a: false }, py: pyJson({ z: [1, 2], a: false }), opts: { indent: "\t", sortKeys: true } },
  { name: "compact separators", js: { z: [1, 2], a: "x" }, py: pyJson({ z: [1, 2], a: "x" }), opts: { separators: [",", ":"] } },
  { name: "undefined", js: [undefined, { a: undefined, b: 1 }], py: "[None, {'b': 1}]", opts: MANIFEST },
  {
    name: "Map keys",
    js: new Map<unknown, unknown>([
      [2, "a"],
      [10, "b"],
      [1.5, "c"],
      [true, "d"],
      [new PyFloat(3), "e"],
      [-Infinity, "f"],
      [2n ** 70n, "g"],
    ]),
    py: "{2: 'a', 10: 'b', 1.5: 'c', True: 'd', 3.0: 'e', float('-inf'): 'f', 2**70: 'g'}",
    opts: MANIFEST,
  },
  {
    name: "Map keys unsorted",
    js: new Map<unknown, unknown>([
      ["b", 1],
      [false, 2],
      [null, 3],
      [7, 4],
    ]),
    py: "{'b': 1, False: 2, None: 3, 7: 4}",
    unsortable: true,
  },
  { name: "Date", js: { when: new Date("2025-01-20T13:23:30.999Z") }, py: "{'when': '2025-01-20T13:23:30'}", opts: MANIFEST },
  { name: "toJSON", js: [{ toJSON: () => ({ x: new PyFloat(2) }) }], py: "[{'x': 2.0}]" },
  { name: "top-level null", js: null, py: "None" },
  { name: "top-level string", js: "😀", py: pyStr("😀") },
  { name: "top-level float", js: new PyFloat(2), py: "2.0", bareFloat: true },
  { name: "top-level bigint", js: -(10n ** 40n), py: "-(10**40)" },
];

describe("formatPythonFloat", () => {
  it.each(SPEC_FLOATS)("writes %d as %s", (x, text) => {
    expect(formatPythonFloat(x)).toBe(text);
  });
});

describe("encodePythonJson matches CPython's json.dumps", () => {
  it("on the case corpus", () => {
    const expected = python<string[]>({ mode: "dumps", cases: CASES.map((c) => ({ expr: c.py, opts: c.opts ?? {} })) });
    const results = CASES.map((c, k) => ({ name: c.name, ts: encodePythonJson(c.js, c.opts), python: expected[k] }));
    for (const r of results) expect(r.ts, r.name).toBe(r.python);
  });

  it("on random values written by TS and rewritten by Python (TS → Python)", () => {
    const key = fc.string({ unit: "binary", maxLength: 6 });
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.constant(null),
        fc.boolean(),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
        fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
        fc.double().map((x) => new PyFloat(x)),
        fc.string({ unit: "binary", maxLength: 12 }),
        fc.array(tie("value"), { maxLength: 5 }),
        fc.dictionary(key, tie("value"), { maxKeys: 5 }),
      ),
    }));
    const values = fc.sample(value, { numRuns: 400, seed: 20250120 });
    const doubles = fc.sample(fc.double(), { numRuns: 3000, seed: 7 }).map((x) => new PyFloat(x));
    const cases = [...values, doubles].flatMap((v) =>
      [{}, MANIFEST, { ensureAscii: false }].map((opts) => ({ text: encodePythonJson(v, opts), opts })),
    );
    const expected = python<string[]>({ mode: "redump", cases });
    const bad = cases.filter((c, k) => c.text !== expected[k]);
    expect(bad).toEqual([]);
  });
});

describe("decode then encode reproduces Python's bytes (Python → TS)", () => {
  it("for random floats, integers near 2^53 and big integers", () => {
    const docs = python<{ default: string; manifest: string }>({ mode: "floats", seed: 12345, count: 1000 });
    expect(encodePythonJson(decodePythonJson(docs.default))).toBe(docs.default);
    expect(encodePythonJson(decodePythonJson(docs.manifest), MANIFEST)).toBe(docs.manifest);
  });

  it("for the case corpus in every layout", () => {
    const layouts: PythonJsonEncodeOptions[] = [{}, MANIFEST, { ensureAscii: false }, { indent: 2 }];
    const cases = CASES.filter((c) => !c.bareFloat).flatMap((c) =>
      layouts.filter((o) => !(c.unsortable && o.sortKeys)).map((opts) => ({ expr: c.py, opts })),
    );
    const texts = python<string[]>({ mode: "dumps", cases });
    // Python's own loads+dumps is the reference: numeric Map keys, sorted as numbers, come back as strings.
    const redumped = python<string[]>({ mode: "redump", cases: texts.map((text, k) => ({ text, opts: cases[k]?.opts })) });
    texts.forEach((text, k) => {
      expect(encodePythonJson(decodePythonJson(text), cases[k]?.opts), text).toBe(redumped[k]);
    });
    expect(texts.filter((t, k) => t !== redumped[k])).toHaveLength(1);
  });

  it("for integer-like keys in insertion order", () => {
    const text = '{"b": 1, "10": 1.0, "2": 2, "a": {"1": [], "0": {}}, "-1": 0, "01": 1}';
    expect(encodePythonJson(decodePythonJson(text))).toBe(text);
  });

  it("for a ~7 MB project.json (benchmark)", () => {
    const text = python<string>({ mode: "bench", experiments: 2600 });
    const t0 = performance.now();
    const value = decodePythonJson(text);
    const t1 = performance.now();
    const again = encodePythonJson(value, MANIFEST);
    const t2 = performance.now();
    JSON.parse(text.replace(/NaN|-?Infinity/g, "0"));
    const t3 = performance.now();
    expect(again === text).toBe(true);
    const mb = text.length / 1e6;
    console.log(
      `python-json on ${mb.toFixed(1)} MB: decode ${(t1 - t0).toFixed(0)} ms, encode ${(t2 - t1).toFixed(0)} ms (JSON.parse ${(t3 - t2).toFixed(0)} ms)`,
    );
  });
});

describe("decodePythonJson", () => {
  it("reads Python's extensions, big integers and floats", () => {
    const v = decodePythonJson("[NaN, Infinity, -Infinity, 9007199254740993, 9007199254740991, -0, -0.0, 1.0, 1e400, 1E2]") as unknown[];
    expect(v[0]).toBeNaN();
    expect(v.slice(1)).toEqual([Infinity, -Infinity, 9007199254740993n, 9007199254740991, 0, -0, 1, Infinity, 100]);
    expect(Object.is(v[5], 0)).toBe(true);
    expect(Object.is(v[6], -0)).toBe(true);
    expect([6, 7, 9].map((k) => isMarkedFloat(v, k))).toEqual([true, true, true]);
    expect([3, 4, 5, 8].map((k) => isMarkedFloat(v, k))).toEqual([false, false, false, false]);
  });

  it("agrees with JSON.parse on strict JSON", () => {
    const toNumber = (_k: string, x: unknown): unknown => (typeof x === "bigint" ? Number(x) : x);
    fc.assert(
      fc.property(fc.json(), (text) => {
        const ours = JSON.stringify(decodePythonJson(text), (k, x: unknown) => toNumber(k, x));
        expect(ours).toBe(JSON.stringify(JSON.parse(text)));
      }),
      { numRuns: 500 },
    );
  });

  it("keeps __proto__ as an ordinary key", () => {
    const v = decodePythonJson('{"__proto__": {"polluted": 1}, "a": 1}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(["__proto__", "a"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(encodePythonJson(v)).toBe('{"__proto__": {"polluted": 1}, "a": 1}');
  });

  it("lets the last duplicate key win, at the first key's position", () => {
    const v = decodePythonJson('{"a": 1.0, "b": 2, "a": 3}') as Record<string, unknown>;
    expect(encodePythonJson(v)).toBe('{"a": 3, "b": 2}');
  });

  it("reports errors with Python's messages and positions", () => {
    const texts = [
      "",
      " ",
      "x",
      "[1,]",
      '{"a":1,}',
      '{"a" 1}',
      "{a:1}",
      "[1 2]",
      '{"a":1 "b":2}',
      '"abc',
      '"a\\',
      '"a\\x"',
      '"\\u12"',
      '"\\u12zz"',
      '"a\nb"',
      "01",
      "1.",
      "1e",
      "-",
      "-I",
      "nul",
      "tru",
      "[1]x",
      "[1] [2]",
      "\ufeff[]",
      "[\n1,\n]",
      '"😀"x',
      "😀",
      "-NaN",
      "[",
      "{",
      '{"a"',
      '{"a":',
      "1.5e",
      '{"a":1}}',
      "[1,2",
      '"\t"',
      "  \n  [1,\n\n  }",
      '["😀", x]',
      '{"😀😀": 1, "b": 2 3}',
    ];
    const expected = python<(string | null)[]>({ mode: "errors", texts });
    const ours = texts.map((t) => {
      try {
        decodePythonJson(t);
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(JsonDecodeError);
        return (e as Error).message;
      }
    });
    expect(ours).toEqual(expected);
  });

  it("survives very deep nesting without blowing the stack", () => {
    const deep = "[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH);
    const v = decodePythonJson(deep);
    expect(encodePythonJson(v)).toBe(deep);
    expect(encodePythonJson(clonePythonJson(v), { indent: 1 }).length).toBeGreaterThan(deep.length);
    expect(() => decodePythonJson("[".repeat(1_000_000))).toThrow(/Maximum nesting depth of 10000 exceeded: line 1 column 10001/);
    expect(() => decodePythonJson('{"a":'.repeat(MAX_JSON_DEPTH + 1))).toThrow(JsonDecodeError);
  });
});

describe("float marks", () => {
  it("survive a decode/encode round trip and can be cleared", () => {
    const v = decodePythonJson('{"metrics": {"loss": 1.0, "n": 1}, "xs": [2.0, 2]}') as {
      metrics: Record<string, number>;
      xs: number[];
    };
    expect(isMarkedFloat(v.metrics, "loss")).toBe(true);
    expect(isMarkedFloat(v.xs, 0)).toBe(true);
    expect(isMarkedFloat(v.xs, "0")).toBe(true);
    unmarkFloat(v.metrics, "loss");
    markFloat(v.metrics, "n");
    v.xs[0] = 2.5;
    expect(encodePythonJson(v)).toBe('{"metrics": {"loss": 1, "n": 1.0}, "xs": [2.5, 2]}');
  });

  it("are carried over by clonePythonJson", () => {
    const text = '{"a": [1.0, {"b": 1e+16, "__proto__": 0.0}], "9": 3.0, "d": 1}';
    const v = decodePythonJson(text) as Record<string, unknown>;
    const copy = clonePythonJson(v);
    expect(copy).not.toBe(v);
    expect(copy.a).not.toBe(v.a);
    expect(encodePythonJson(copy)).toBe(text);
    unmarkFloat(copy, "9");
    expect(encodePythonJson(v)).toBe(text);
  });

  it("are not needed for PyFloat values", () => {
    expect(encodePythonJson({ x: new PyFloat(3), y: 3 })).toBe('{"x": 3.0, "y": 3}');
    expect(`${new PyFloat(1e-5)}`).toBe("1e-05");
    expect(new PyFloat(2).valueOf() + 1).toBe(3);
    expect(JSON.stringify({ x: new PyFloat(2) })).toBe('{"x":2}');
  });

  it("round-trip arbitrary values (property)", () => {
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.double().map((x) => new PyFloat(x)),
        fc.integer(),
        fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
        fc.string({ unit: "binary" }),
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(fc.string({ unit: "binary", maxLength: 4 }), tie("value"), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(value, fc.constantFrom<PythonJsonEncodeOptions>({}, MANIFEST, { ensureAscii: false }), (v, opts) => {
        // Wrapped: a bare top-level float has no container to carry its mark.
        const text = encodePythonJson([v], opts);
        const decoded = decodePythonJson(text);
        expect(encodePythonJson(decoded, opts)).toBe(text);
        expect(encodePythonJson(clonePythonJson(decoded), opts)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});

describe("encode errors", () => {
  class Model {}
  const cases: [string, unknown, string][] = [
    ["a function", { parameters: { model: () => 1 } }, "$.parameters.model"],
    ["a symbol", [1, Symbol("s")], "$[1]"],
    ["a class instance", { parameters: { model: new Model() } }, "$.parameters.model"],
    ["a Set", { "a b": [new Set()] }, '$["a b"][0]'],
    ["an invalid date", { d: new Date(NaN) }, "$.d"],
    ["a bad Map key", { m: new Map([[{}, 1]]) }, "$.m"],
    [
      "mixed Map keys when sorting",
      new Map<unknown, unknown>([
        ["a", 1],
        [1, 2],
      ]),
      "$",
    ],
  ];
  it.each(cases)("rejects %s with its path", (_what, value, path) => {
    let error: unknown;
    try {
      encodePythonJson(value, { sortKeys: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JsonEncodeError);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as JsonEncodeError).path).toBe(path);
    expect((error as Error).message).toContain(path);
  });

  it("rejects cycles but accepts shared sub-objects", () => {
    const shared = { x: 1 };
    expect(encodePythonJson([shared, shared])).toBe('[{"x": 1}, {"x": 1}]');
    const cyclic: Record<string, unknown> = { a: [] };
    (cyclic.a as unknown[]).push({ back: cyclic });
    expect(() => encodePythonJson(cyclic)).toThrow(/Circular reference detected \(at \$\.a\[0\]\.back\)/);
  });
});

describe("compareCodePoints", () => {
  it("orders by code point, not UTF-16 unit", () => {
    expect(compareCodePoints("\u{1F600}", "\uff5e")).toBeGreaterThan(0);
    expect(compareCodePoints("a\ud83d", "a\u{1F600}")).toBeLessThan(0);
    expect(compareCodePoints("\ud83d", "\ue000")).toBeLessThan(0);
    expect(compareCodePoints("\ud83dx", "\ud83d\ude00")).toBeLessThan(0);
    expect(compareCodePoints("abc", "abd")).toBeLessThan(0);
    expect(compareCodePoints("ab", "ab")).toBe(0);
  });
});
