/**
 * Random scenarios for the differential test: what a new user might do with
 * experiments, tests, artifacts and repositories, as plain data both libraries
 * apply (python/difftest.py and ./typescript-side.ts).
 *
 * Scalars that must stay floats are {@link PyFloat}s, integers past 2^53 are
 * `bigint`s, so the scenario's Python JSON text is exactly what both sides read.
 */
import fc from "fast-check";
import { PyFloat } from "@lazyscribe/core";

/** An artifact logged into an experiment or test, or a repository version. */
export interface ArtifactSpec {
  name: string;
  handler: "json" | "yaml" | "csv";
  value: unknown;
  fname?: string;
  writer?: Record<string, unknown>;
  overwrite?: boolean;
}

/** A test of an experiment. */
export interface TestSpec {
  name: string;
  description: string | null;
  metrics: Record<string, unknown>;
  parameters: Record<string, unknown>;
  artifacts: ArtifactSpec[];
}

/** What is applied to an experiment, when it is logged or later in `w+`. */
export interface ChangeSpec {
  metrics: Record<string, unknown>;
  parameters: Record<string, unknown>;
  tags: string[];
  replace_tags?: string[];
  artifacts: ArtifactSpec[];
  tests: TestSpec[];
  /** Slugs of upstream experiments (in `up/project.json`). */
  dependencies: string[];
}

/** An experiment logged at clock `at` and changed at `updated`. */
export interface ExperimentSpec extends ChangeSpec {
  name: string;
  at: string;
  updated: string;
}

/** A repository version. */
export interface VersionSpec extends ArtifactSpec {
  at: string;
}

/** One scenario. */
export interface Scenario {
  upstream: ExperimentSpec[];
  experiments: ExperimentSpec[];
  save_at: string;
  edit: null | {
    author: string;
    changes: Array<ChangeSpec & { slug: string; at: string }>;
    add: ExperimentSpec[];
    save_at: string;
  };
  repository: null | {
    versions: VersionSpec[];
    promotions: Array<{ slug: string; artifact: string; at: string }>;
    expiries: Array<{ name: string; version: number; expiry: string; at: string }>;
    save_at: string;
    release: null | { tag: string; at: string; minimal: boolean };
  };
}

// ---------------------------------------------------------------------------------------
// Building blocks

/** Name fragments: accents, CJK, emoji, punctuation, spaces. */
const FRAGMENTS = [
  "run",
  "Model",
  "é",
  "ñandú",
  "Ünïcødé",
  "模型",
  "テスト",
  "🚀",
  "😀",
  "a b",
  " ",
  "-",
  "_",
  ".",
  "!?",
  "(v2)",
  "#1",
  "ß",
  "Δt",
  "x/y",
  "0",
];

const text = (max = 4) => fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: max }).map((parts) => parts.join(""));

/** Keys of metrics and parameters: the fragments plus a few that are special in JavaScript. */
const key = fc.oneof(
  { weight: 6, arbitrary: text(3) },
  fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "10", "2"),
);

/** Floats over the whole range: subnormals, integral floats, signed zero, NaN and infinities. */
const float = fc.oneof(
  fc.double().map((x) => (Number.isInteger(x) ? new PyFloat(x) : x)),
  fc
    .constantFrom(5e-324, 2.2250738585072014e-308, 1e-5, 0.1, 1e16, 1.7976931348623157e308, 1e22, 123456789012345680000)
    .map((x) => (Number.isInteger(x) ? new PyFloat(x) : x)),
  fc.integer({ min: -1000, max: 1000 }).map((x) => new PyFloat(x)),
  fc.constant(new PyFloat(-0)),
);

const integer = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 70n }),
  fc.bigInt({ min: -(2n ** 70n), max: -(2n ** 53n) }),
);

/** A metric value: a float or an integer. */
const metric = fc.oneof(float, integer);

const scalar = fc.oneof(metric, text(3), fc.boolean(), fc.constant(null));

/** JSON data with unicode keys, nested objects and lists. */
const json: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("v"), { maxLength: 3 }),
    fc.dictionary(key, tie("v"), { maxKeys: 3 }),
  ),
})).v;

const record = (value: fc.Arbitrary<unknown>, maxKeys = 3) => fc.dictionary(key, value, { maxKeys });

/** Custom file names, including ones that are ordinary on POSIX but look special elsewhere. */
const fname = fc.oneof(
  text(2).map((t) => `${t}.json`),
  fc.constantFrom("C:a.json", "50%2e.json", "a\\b.json", "tab\tname.json", "line\nbreak.json", "nested/f.json", "f.json"),
);

const jsonWriter = fc.record(
  {
    indent: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom("  ", "\t", "")),
    sort_keys: fc.boolean(),
    ensure_ascii: fc.boolean(),
    separators: fc.constantFrom([",", ":"], [", ", ": "], [";", "="]),
  },
  { requiredKeys: [] },
);

/** YAML values inside what the PyYAML port covers (docs/compatibility.md D12): short words, numbers, nesting. */
const yamlWord = fc.constantFrom("alpha", "beta gamma", "é", "模型", "yes", "null", "1", "", "a: b", "- x", "x #y", "🚀");
const yamlValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    yamlWord,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
    fc.array(tie("v"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("a", "b", "ключ", "名前", "k k", "z"), tie("v"), { maxKeys: 3 }),
  ),
})).v;
const yamlWriter = fc.record(
  { sort_keys: fc.boolean(), allow_unicode: fc.boolean(), explicit_start: fc.boolean(), width: fc.integer({ min: 20, max: 200 }) },
  { requiredKeys: [] },
);

/** A csv table as `{ columns: { name: values } }` with one pyarrow type per column. */
const csvValue = fc
  .integer({ min: 1, max: 4 })
  .chain((rows) =>
    fc
      .uniqueArray(
        fc.tuple(
          fc.constantFrom("id", "score", "label", "flag", "ñame", "列"),
          fc.constantFrom<"int" | "double" | "string" | "bool">("int", "double", "string", "bool"),
        ),
        { minLength: 1, maxLength: 4, selector: ([n]) => n },
      )
      .chain((cols) =>
        fc
          .tuple(
            ...cols.map(([, type]) =>
              fc.array(
                type === "int"
                  ? (fc.integer({ min: -1e6, max: 1e6 }) as fc.Arbitrary<unknown>)
                  : type === "double"
                    ? (fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((x) => !Number.isInteger(x)) as fc.Arbitrary<unknown>)
                    : type === "bool"
                      ? (fc.boolean() as fc.Arbitrary<unknown>)
                      : (fc.constantFrom("a", "b c", "é", "模型", "x,y", 'q"d') as fc.Arbitrary<unknown>),
                { minLength: rows, maxLength: rows },
              ),
            ),
          )
          .map((values) => ({ columns: Object.fromEntries(cols.map(([n], i) => [n, values[i]])) })),
      ),
  );

const artifactBody = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ handler: fc.constant("json" as const), value: json, writer: fc.option(jsonWriter, { nil: undefined }) }),
  },
  fc.record({ handler: fc.constant("yaml" as const), value: yamlValue, writer: fc.option(yamlWriter, { nil: undefined }) }),
  fc.record({ handler: fc.constant("csv" as const), value: csvValue, writer: fc.constant(undefined) }),
);

const artifact = (names: fc.Arbitrary<string>) =>
  fc
    .record({ name: names, body: artifactBody, fname: fc.option(fname, { nil: undefined, freq: 3 }) })
    .map(({ name, body, fname }): ArtifactSpec => clean({ name, ...body, fname }));

const artifacts = (max: number) => fc.uniqueArray(artifact(text(3)), { maxLength: max, selector: (a) => a.name });

/** Clock values: mostly 2025, some before year 1000 and before year 100. */
const BASES = ["2025-01-20T13:23:30", "2025-01-20T13:23:31", "2025-06-01T00:00:00", "0999-01-02T03:04:05", "0005-01-02T03:04:05"];
const clock = () => fc.integer({ min: 0, max: 3 });

function addSeconds(iso: string, seconds: number): string {
  const d = new Date(`${iso.slice(0, 4) < "0100" ? "2000" + iso.slice(4) : iso}Z`);
  d.setUTCSeconds(d.getUTCSeconds() + seconds);
  const out = d.toISOString().slice(0, 19);
  return iso.slice(0, 4) < "0100" ? iso.slice(0, 4) + out.slice(4) : out;
}

const test = fc.record({
  name: text(3),
  description: fc.option(text(4), { nil: null }),
  metrics: record(metric),
  parameters: record(json, 2),
  artifacts: artifacts(2),
});

const change = fc.record({
  metrics: record(metric),
  parameters: record(json),
  tags: fc.array(text(2), { maxLength: 3 }),
  replace_tags: fc.option(fc.array(text(2), { maxLength: 2 }), { nil: undefined }),
  artifacts: artifacts(3),
  tests: fc.array(test, { maxLength: 2 }),
});

const experiments = (base: string, max: number, deps: string[]) =>
  fc
    .array(
      fc.record({
        name: fc.oneof(text(3), fc.constantFrom("run", "run")),
        at: clock(),
        updated: clock(),
        change,
        dependencies: deps.length ? fc.subarray(deps, { maxLength: Math.min(2, deps.length) }) : fc.constant([] as string[]),
      }),
      { minLength: 1, maxLength: max },
    )
    .map((list) => {
      let t = 0;
      return list.map(({ name, at, updated, change: c, dependencies }): ExperimentSpec => {
        t += at;
        const start = addSeconds(base, t);
        return clean({ ...c, name, at: start, updated: addSeconds(start, updated), dependencies });
      });
    });

/** The random scenario. */
export const scenario: fc.Arbitrary<Scenario> = fc.constantFrom(...BASES).chain((base) =>
  fc
    .record({
      upstream: fc.option(
        fc.array(fc.constantFrom("feature build", "Données", "上流"), { minLength: 1, maxLength: 2 }).map((names) =>
          names.map((name, i): ExperimentSpec => ({
            name,
            at: addSeconds(base, i),
            updated: addSeconds(base, i),
            metrics: { n: i },
            parameters: {},
            tags: [],
            artifacts: [],
            tests: [],
            dependencies: [],
          })),
        ),
        { nil: [] as ExperimentSpec[] },
      ),
      editKind: fc.constantFrom("none", "edit", "edit"),
      repoKind: fc.constantFrom("none", "plain", "release", "minimal"),
    })
    .chain(({ upstream, editKind, repoKind }) => {
      const slugs = upstream.map((u) => slugOf(u));
      return experiments(base, 4, slugs).chain((exps) => {
        const saveAt = addSeconds(base, 40);
        const editArb =
          editKind === "none"
            ? fc.constant(null)
            : fc
                .record({
                  author: fc.constantFrom("difftest", "second author"),
                  changes: fc.array(
                    fc.record({ index: fc.nat(exps.length - 1), dt: fc.integer({ min: 41, max: 45 }), change, overwrite: fc.boolean() }),
                    { maxLength: 2 },
                  ),
                  add: fc.option(experiments(addSeconds(base, 50), 1, []), { nil: [] }),
                })
                .map(({ author, changes, add }) => ({
                  author,
                  changes: changes.map(({ index, dt, change: c, overwrite }) => {
                    const target = exps[index]!;
                    // Overwrite an artifact the experiment already has, keeping or changing its file name.
                    const own = target.artifacts[0];
                    const extra: ArtifactSpec[] =
                      overwrite && own ? [{ ...own, value: { replaced: dt }, handler: "json", writer: undefined, overwrite: true }] : [];
                    return clean({
                      ...c,
                      artifacts: [...c.artifacts.filter((a) => a.name !== own?.name), ...extra],
                      dependencies: [],
                      slug: slugOf(target),
                      at: addSeconds(base, dt),
                    });
                  }),
                  add,
                  save_at: addSeconds(base, 60),
                }));
        const repoArb = repoKind === "none" ? fc.constant(null) : repository(base, exps, repoKind);
        return fc
          .record({ edit: editArb, repository: repoArb })
          .map(({ edit, repository: repo }): Scenario => ({ upstream, experiments: exps, save_at: saveAt, edit, repository: repo }));
      });
    }),
);

function repository(base: string, exps: ExperimentSpec[], kind: string): fc.Arbitrary<Scenario["repository"]> {
  const repoName = fc.oneof(
    text(2).filter((n) => n !== "." && n !== ".."),
    fc.constantFrom("a\tb", "back\\slash", "line\nbreak", "C:drive", "50%2e"),
  );
  const promotable = exps.flatMap((e) =>
    e.artifacts.filter((a) => !a.fname?.includes("/")).map((a) => ({ slug: slugOf(e), artifact: a.name })),
  );
  return fc
    .record({
      versions: fc.array(
        fc.record({
          name: repoName,
          body: artifactBody,
          dt: fc.constantFrom(0, 0, 1, 2),
          fname: fc.option(
            fname.filter((f) => !f.includes("/")),
            { nil: undefined, freq: 4 },
          ),
        }),
        { maxLength: 4 },
      ),
      promotions: promotable.length
        ? fc.subarray(promotable, { maxLength: Math.min(2, promotable.length) })
        : fc.constant<Array<{ slug: string; artifact: string }>>([]),
      expiries: fc.array(fc.record({ pick: fc.nat(), dt: fc.integer({ min: -5, max: 100 }) }), { maxLength: kind === "plain" ? 2 : 0 }),
    })
    .map(({ versions, promotions, expiries }) => {
      let t = 100;
      const counts = new Map<string, number>();
      const vs: VersionSpec[] = versions.map(({ name, body, dt, fname: f }) => {
        t += dt;
        counts.set(name, (counts.get(name) ?? 0) + 1);
        return clean({ name, ...body, fname: f, at: addSeconds(base, t) });
      });
      const names = [...counts.keys()];
      const ex = names.length
        ? expiries.map(({ pick, dt }) => {
            const name = names[pick % names.length]!;
            return { name, version: pick % counts.get(name)!, expiry: addSeconds(base, 100 + dt), at: addSeconds(base, 200) };
          })
        : [];
      return {
        versions: vs,
        promotions: promotions.map((p, i) => ({ ...p, at: addSeconds(base, 150 + i) })),
        expiries: ex,
        save_at: addSeconds(base, 250),
        release: kind === "release" || kind === "minimal" ? { tag: "v1.0", at: addSeconds(base, 300), minimal: kind === "minimal" } : null,
      };
    });
}

/** Drops `undefined` members, so the scenario text holds no keys Python would see as null. */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

// Slugs computed as both libraries do: slugify(name + "-" + stamp(at)).
import { slugify, stamp } from "@lazyscribe/core";

/** The slug an experiment spec gets. */
export function slugOf(spec: { name: string; at: string }): string {
  const at = new Date(0);
  const [y, mo, d, h, mi, s] = spec.at.split(/[-T:]/).map(Number) as [number, number, number, number, number, number];
  at.setUTCFullYear(y, mo - 1, d);
  at.setUTCHours(h, mi, s, 0);
  return slugify(`${spec.name}-${stamp(at)}`);
}
