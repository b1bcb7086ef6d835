/**
 * The plugin handlers shared with Python: `yaml` (@lazyscribe/yaml, lazyscribe-yaml's
 * PyYAML handler) and `csv` (@lazyscribe/csv, lazyscribe-arrow's pyarrow handler).
 * Format corpora compared text for text with the plugins' own classes, then projects
 * and repositories holding such artifacts, both ways, on every store.
 */
import { describe, expect, it } from "vitest";
import { Project, PyFloat, Repository } from "@lazyscribe/core";
import { dumpPyYaml, loadPyYaml } from "@lazyscribe/yaml";
import { readArrowCsv, writeArrowCsv, type CsvTable } from "@lazyscribe/csv";
import {
  adaptValues,
  AUTHOR,
  canon,
  py,
  snapshot,
  snapshotDiff,
  tsReadProject,
  tsWriteProject,
  tsWriteRepository,
  wipe,
  type ArtifactSpec,
  type ExperimentSpec,
} from "./harness.js";
import { interopStores } from "./stores.js";

const f = (x: number) => new PyFloat(x);

/** A csv spec value: columns in order (a Map keeps the order on the way to Python). */
const columns = (...cols: Array<[string, unknown[]]>) => ({ columns: new Map(cols) });
const tableOf = (value: unknown): CsvTable => {
  const cols = (value as { columns: Map<string, unknown[]> }).columns;
  const names = [...cols.keys()];
  const length = Math.max(0, ...[...cols.values()].map((v) => v.length));
  return { columns: names, rows: Array.from({ length }, (_, r) => names.map((n) => cols.get(n)![r] ?? null)) };
};
adaptValues("csv", (spec: ArtifactSpec) => tableOf(spec.value));

const LONG = `${"word ".repeat(30)}end`;
const YAML_VALUES: unknown[] = [
  {
    b: [1, f(2.5), { x: null }],
    a: {
      z: true,
      y: "yes",
      w: "",
      v: f(1),
      u: 1e-7,
      t: NaN,
      s: Infinity,
      r: "é😀",
      q: "multi\nline",
      p: "1",
      o: [],
      n: {},
      m: 10n ** 20n,
      l: "null",
    },
    "10": "ten",
    "2": f(-0),
  },
  [[1, [2, { k: "v" }]], { a: 1, b: 2 }],
  {
    strings: [
      "it's",
      "a: b",
      "#x",
      "- x",
      "-x",
      "x #y",
      "x#y",
      " lead",
      "trail ",
      "tab\tx",
      "\u2028",
      "\x7f",
      "\0",
      "~",
      "2025-01-20",
      "1:20",
      "0x1F",
      "1e3",
      ".5",
      "+1",
      "Null",
      "NO",
      "y",
      "=",
      "<<",
    ],
  },
  {
    more: [
      "@x",
      "`x",
      "%x",
      "!x",
      "&x",
      "*x",
      "|x",
      ">x",
      "?x",
      "? x",
      ":x",
      "x:",
      "[x",
      "x]",
      "{x",
      "x,y",
      'q"d',
      "a'b",
      "-",
      "--",
      "---",
      "...",
      "",
      "a\n\nb",
      "a  b",
      " ",
      "\n",
    ],
  },
  {
    folding: { plain: LONG, quoted: `'${LONG}`, nested: [LONG, { deeper: LONG }] },
    multiline: ["line one\nline two", "ends with break\n"],
  },
  { numbers: [0, -7, 9007199254740993n, f(100), 0.1, 1 / 3, 5e-324, 1.5e300, f(1e16), -Infinity, 1e-5, 0.0001] },
  "plain top-level",
  "yes",
  42,
  null,
  [],
  {},
  { é: 1, "😀": 2, "～": 3, "a b": 4 },
];

const CSV_TABLES = [
  columns(
    ["name", ["a", "b,c", 'q"d', null, "é", "", "multi\nline"]],
    ["n", [1, 2, null, 4, 5, -6, 2n ** 62n]],
    ["f", [f(1), 2.5, null, NaN, 1e-7, 1e16, -0.5]],
    ["b", [true, false, null, true, false, true, false]],
  ),
  columns(["only nulls", [null, null]], ["2", [1, 2]]),
  columns(["empty", []]),
  columns(["x", [f(0), 1e15, 123456.789, 5e-324, Infinity, -Infinity, 0.30000000000000004]]),
];

describe("plugin file formats", () => {
  it("yaml: dumpPyYaml writes what PyYAML's yaml.dump writes, and each side loads the other's text", () => {
    for (const kwargs of [{}, { allow_unicode: true }, { sort_keys: false }, { explicit_start: true }, { width: 40 }]) {
      const pyTexts = py<string[]>("plugin_formats", { op: "yaml_dump", values: YAML_VALUES, kwargs });
      const tsTexts = YAML_VALUES.map((v) =>
        dumpPyYaml(v, {
          sortKeys: (kwargs as { sort_keys?: boolean }).sort_keys,
          allowUnicode: (kwargs as { allow_unicode?: boolean }).allow_unicode,
          explicitStart: (kwargs as { explicit_start?: boolean }).explicit_start,
          width: (kwargs as { width?: number }).width,
        }),
      );
      const mismatches = tsTexts.flatMap((t, i) => (t === pyTexts[i] ? [] : [{ kwargs, index: i, python: pyTexts[i], ts: t }]));
      expect(mismatches).toEqual([]);
      const pyLoaded = py<unknown[]>("plugin_formats", { op: "yaml_load", texts: tsTexts });
      expect(canon(pyLoaded)).toBe(canon(YAML_VALUES));
      // With allow_unicode, U+2028 is written raw, and YAML 1.1 (PyYAML) reads it as a line break while
      // the yaml package lexes YAML 1.2, where it is content: that one string reads back with the indentation.
      const expected = (kwargs as { allow_unicode?: boolean }).allow_unicode
        ? YAML_VALUES.map((v, i) =>
            i === 2 ? { strings: (v as { strings: string[] }).strings.map((x) => (x === "\u2028" ? "\u2028  " : x)) } : v,
          )
        : YAML_VALUES;
      expect(canon(pyTexts.map((t) => loadPyYaml(t)))).toBe(canon(expected));
    }
  });

  it("yaml: PyYAML's YAML 1.1 resolution when reading (y and 1e3 stay strings; yes, on, 0x10, 010, 1:20, .5 do not)", () => {
    const text =
      "a: y\nb: 1e3\nc: yes\nd: On\ne: 0x10\nf: 010\ng: 1:20\nh: .5\ni: ~\nj: 1.0\nk: 12345678901234567890\nl: 'yes'\nbase: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\n";
    const [pyValue] = py<unknown[]>("plugin_formats", { op: "yaml_load", texts: [text] });
    expect(canon(loadPyYaml(text))).toBe(canon(pyValue));
    expect(canon(pyValue)).toContain('"j": 1.0');
    // Floats inside containers keep their float marks; a bare top-level float cannot carry one.
    expect(dumpPyYaml(new PyFloat(1))).toBe(py<string[]>("plugin_formats", { op: "yaml_dump", values: [f(1)] })[0]);
    expect(loadPyYaml("1.0\n...\n")).toBe(1);
  });

  it("csv: writeArrowCsv writes what pyarrow.csv.write_csv writes, and each side reads the other's text with the same types", () => {
    const pyTexts = py<string[]>("plugin_formats", { op: "csv_write", tables: CSV_TABLES });
    const tsTexts = CSV_TABLES.map((t) => writeArrowCsv(tableOf(t)));
    expect(tsTexts).toEqual(pyTexts);
    const pyRead = py<Array<{ table: CsvTable }>>("plugin_formats", {
      op: "csv_read",
      texts: [...tsTexts.filter((t) => t !== '"empty"\n'), '"a","b","c","d","e"\n"1",2.0,"true",,nan\nN/A,+5,FALSE,"",1\n'],
    });
    const tsRead = [...tsTexts.filter((t) => t !== '"empty"\n'), '"a","b","c","d","e"\n"1",2.0,"true",,nan\nN/A,+5,FALSE,"",1\n'].map((t) =>
      readArrowCsv(t),
    );
    expect(canon(tsRead.map((t) => ({ columns: t.columns, types: t.types, rows: t.rows })))).toBe(canon(pyRead.map((r) => r.table)));
  });
});

describe.each(interopStores())("yaml and csv artifacts on $name", (store) => {
  const env = () => store.pythonEnv();
  const settings = () => store.settings?.();
  const SPECS: ExperimentSpec[] = [
    {
      name: "Plugins",
      at: "2025-01-20T13:23:30",
      artifacts: [
        { name: "config", handler: "yaml", value: YAML_VALUES[0] },
        { name: "config unicode", handler: "yaml", value: YAML_VALUES.at(-1), writer: { allow_unicode: true } },
        { name: "table", handler: "csv", value: CSV_TABLES[0] },
      ],
      tests: [{ name: "Slice", artifacts: [{ name: "slice", handler: "csv", value: CSV_TABLES[1] }] }],
    },
  ];
  const asLoaded = (value: unknown) => {
    const t = value as CsvTable;
    return Array.isArray(t?.columns) && Array.isArray(t?.rows) ? { table: { columns: t.columns, types: t.types, rows: t.rows } } : value;
  };

  it("projects: same bytes from both sides; each side loads the other's yaml and csv artifacts", async () => {
    const root = await store.freshRoot();
    const path = `${root}/project.json`;
    py("project_ops", { op: "write", path, experiments: SPECS, author: AUTHOR }, env());
    const fromPython = await snapshot(root);
    const tsOfPy = await tsReadProject(await Project.open(path, { mode: "r", storage: settings() }));
    await wipe(root);
    await tsWriteProject(path, SPECS, { settings: settings() });
    expect(snapshotDiff(fromPython, await snapshot(root))).toEqual([]);
    const pyOfTs = py<{
      artifacts: Record<string, { experiment: Record<string, { value: unknown }>; tests: Array<Record<string, { value: unknown }>> }>;
    }>("project_ops", { op: "read", path }, env());
    const ours = tsOfPy.artifacts["plugins-20250120132330"] as {
      experiment: Record<string, { value: unknown }>;
      tests: Array<Record<string, { value: unknown }>>;
    };
    const theirs = pyOfTs.artifacts["plugins-20250120132330"]!;
    for (const name of ["config", "config unicode", "table"])
      expect(canon(asLoaded(ours.experiment[name]?.value)), name).toBe(canon(theirs.experiment[name]?.value));
    expect(canon(asLoaded(ours.tests[0]?.slice?.value))).toBe(canon(theirs.tests[0]?.slice?.value));
    expect(canon(ours.experiment.config?.value)).toBe(canon(YAML_VALUES[0]));
  });

  it("repositories: csv and yaml versions written by each side load on the other", async () => {
    const root = await store.freshRoot();
    const path = `${root}/repository.json`;
    const versions = [
      { name: "table", handler: "csv", value: CSV_TABLES[3], at: "2025-01-20T00:00:00" },
      { name: "config", handler: "yaml", value: YAML_VALUES[5], at: "2025-01-20T00:00:01" },
    ];
    py("repository_ops", { op: "write", path, versions }, env());
    const fromPython = await snapshot(root);
    const repo = await Repository.open(path, { mode: "r", storage: settings() });
    const tsValues = [asLoaded(await repo.loadArtifact("table", { version: 0 })), await repo.loadArtifact("config", { version: 0 })];
    await wipe(root);
    await tsWriteRepository(path, versions, [], "w", settings());
    expect(snapshotDiff(fromPython, await snapshot(root))).toEqual([]);
    const pyView = py<{ versions: Array<{ load: { value: unknown } }> }>("repository_ops", { op: "read", path }, env());
    expect(canon(tsValues)).toBe(canon(pyView.versions.map((v) => v.load.value)));
  });
});
