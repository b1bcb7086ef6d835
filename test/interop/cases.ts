/**
 * The content both sides write: every kind of value Python lazyscribe puts in a
 * project.json or repository.json. Numbers that must stay floats are `PyFloat`s,
 * integers past 2^53 are `bigint`s (Python sees `1.0` and `9007199254740993`).
 */
import { PyFloat } from "@lazyscribe/core";
import type { EditSpec, ExperimentSpec, ExpirySpec, VersionSpec } from "./harness.js";

const f = (x: number) => new PyFloat(x);

/** Every number form of section 1.1: ints of any size, float reprs, non-finite values. */
export const METRICS: Record<string, unknown> = {
  int_zero: 0,
  int_negative: -7,
  int_2_53_plus_1: 9007199254740993n,
  int_huge: 10n ** 30n,
  int_negative_huge: -(10n ** 25n),
  float_half: 0.5,
  float_one: f(1),
  float_hundred: f(100),
  float_third: 1 / 3,
  float_tenth_sum: 0.1 + 0.2,
  float_1e_4: 0.0001,
  float_1e_5: 1e-5,
  float_1e_7: 1e-7,
  float_min_subnormal: 5e-324,
  float_max: Number.MAX_VALUE,
  float_1e15: f(1e15),
  float_1e16: f(1e16),
  float_1_5e300: 1.5e300,
  float_negative_zero: f(-0),
  float_negative: -2.5,
  nan: NaN,
  infinity: Infinity,
  negative_infinity: -Infinity,
  list_metric: [1, f(2), 2.5, NaN, -Infinity],
};

/** Nested objects, lists, null, booleans, unicode text and unicode / integer-like keys. */
export const PARAMETERS: Record<string, unknown> = {
  nested: { a: { b: { c: [1, { d: null, e: [f(1.5), "x"] }] } }, empty_object: {}, empty_list: [] },
  list: [1, "two", null, true, false, [], {}, [[f(0)]]],
  none: null,
  flag: false,
  text: "plain",
  unicode: "é ß 😀 北京 \u2028 \u007f",
  escapes: 'tab\tnewline\nquote"backslash\\slash/ctrl\u0001\u001f',
  empty: "",
  clé: "valeur",
  "😀": "astral key",
  "～": "sorts before 😀 in UTF-16, after it in Python",
  "10": "integer-like key",
  "2": "integer-like key (Python sorts it after 10)",
  "key with spaces": 1,
  big_in_list: [9007199254740993n, -(10n ** 20n)],
  floats_in_object: { one: f(1), tiny: 5e-324, nan: NaN },
};

const T0 = "2025-01-20T13:23:30";

/** The main project: metrics, parameters, tags, tests with and without artifacts, JSON artifacts. */
export const MAIN: ExperimentSpec[] = [
  {
    name: "Numbers",
    at: T0,
    updated: "2025-01-20T13:24:00",
    metrics: METRICS,
    parameters: { learning_rate: f(0.01), epochs: 10 },
    tags: ["baseline", "baseline", "é-tag", "😀"],
  },
  {
    name: "Parameters and tests",
    at: "2025-01-21T08:00:00",
    updated: "2025-01-21T08:05:07",
    metrics: { auc: 0.875 },
    parameters: PARAMETERS,
    tests: [
      { name: "Region A", metrics: { auc: 0.9, n: 120 }, parameters: { region: "A" } },
      {
        name: "Région B ✓",
        description: "with artifacts",
        metrics: { n: 3 },
        artifacts: [
          {
            name: "confusion",
            handler: "json",
            value: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      },
      { name: "Region A", description: "same name again", metrics: { auc: f(1) } },
    ],
  },
  {
    name: "Artifacts",
    at: "2025-01-22T09:10:11",
    updated: "2025-01-22T09:15:00",
    metrics: { loss: f(0) },
    artifacts: [
      { name: "features", handler: "json", value: { z: 1, a: [1, 2], nested: { é: "😀" }, nan: NaN, float: f(2) } },
      { name: "indented", handler: "json", value: { b: [1, { c: null }], a: "x" }, writer: { indent: 4, sort_keys: true } },
      { name: "utf8", handler: "json", value: { clé: "北京" }, writer: { ensure_ascii: false } },
      { name: "in a subfolder", handler: "json", value: [1, 2, 3], fname: "sub/dir/nested.json" },
      { name: "!!!", handler: "json", value: "a name that slugifies to nothing" },
    ],
    tests: [{ name: "Holdout", artifacts: [{ name: "scores", handler: "json", value: [f(0.5), 0.25] }] }],
  },
  { name: "!!!", at: "2025-01-23T00:00:00", tags: [] },
];

/** Upstream project of the dependency cases. */
export const UPSTREAM: ExperimentSpec[] = [
  { name: "Feature set", at: "2025-01-10T10:00:00", metrics: { rows: 1000 } },
  { name: "Other features", at: "2025-01-11T10:00:00" },
];

/** A downstream experiment depending on both upstream experiments. */
export const downstream = (upstream: string): ExperimentSpec[] => [
  {
    name: "Model",
    at: "2025-01-12T10:00:00",
    dependencies: [
      { project: upstream, slug: "feature-set-20250110100000" },
      { project: upstream, slug: "other-features" },
    ],
  },
];

/** The changes each side makes to the other's main project in mode w+. */
export const EDITS: EditSpec[] = [
  {
    slug: "numbers-20250120132330",
    at: "2025-02-01T12:00:00",
    metrics: { added_later: f(3), float_one: 7 },
    parameters: { epochs: 20 },
    tags: ["edited"],
    artifacts: [{ name: "added", handler: "json", value: { edited: true } }],
    tests: [{ name: "Late test", metrics: { x: 1 }, artifacts: [{ name: "late", handler: "json", value: [null] }] }],
  },
  {
    slug: "artifacts",
    at: "2025-02-01T12:30:00",
    replace_tags: ["only-tag"],
    artifacts: [{ name: "features", handler: "json", value: { replaced: 1 }, overwrite: true }],
  },
];

/** An experiment added to an existing project in modes a, w+ and w. */
export const ADDED: ExperimentSpec = {
  name: "Added later",
  at: "2025-02-02T00:00:00",
  updated: "2025-02-02T00:00:01",
  metrics: { score: 0.5, big: 10n ** 19n },
  artifacts: [{ name: "result", handler: "json", value: { ok: true } }],
};

/** Repository versions: two names, several versions, in one-second steps. */
export const VERSIONS: VersionSpec[] = [
  { name: "features", handler: "json", value: { version: 0 }, at: "2025-01-20T00:00:00" },
  { name: "model-config", handler: "json", value: { depth: 3, rate: f(1) }, at: "2025-01-20T06:00:00", writer: { indent: 4 } },
  { name: "features", handler: "json", value: { version: 1, nan: NaN }, at: "2025-01-21T13:23:30" },
  { name: "features", handler: "json", value: { version: 2 }, at: "2025-01-22T00:00:00", fname: "nested/features-v2.json" },
  { name: "model-config", handler: "json", value: { depth: 4, rate: 0.5 }, at: "2025-01-23T00:00:00" },
];

/** Expiries on the repository above. */
export const EXPIRIES: ExpirySpec[] = [{ name: "features", version: 1, expiry: "2025-01-25T00:00:00" }];

/** Versions added by the other side in mode w+. */
export const MORE_VERSIONS: VersionSpec[] = [
  { name: "features", handler: "json", value: { version: 3 }, at: "2025-02-01T00:00:00" },
  { name: "new-name", handler: "json", value: ["fresh"], at: "2025-02-01T00:00:01" },
];
