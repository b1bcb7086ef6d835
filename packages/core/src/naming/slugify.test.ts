import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { slugify } from "./slugify.js";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
// `npm run tools` builds this venv with python-slugify 8.0.4 and text-unidecode 1.3.
// LAZYSCRIBE_PYTHON points elsewhere for development; there is deliberately no skip.
const python = process.env.LAZYSCRIBE_PYTHON || `${repoRoot}.tools/venv/bin/python`;

const PY_SLUGIFY = `
import sys, json, importlib, importlib.metadata as md
impl = importlib.import_module("slugify.slugify")
versions = {"python-slugify": md.version("python-slugify"), "text-unidecode": md.version("text-unidecode"), "backend": impl.unidecode.__name__}
names = json.load(sys.stdin)
json.dump({"versions": versions, "slugs": [impl.slugify(n) for n in names]}, sys.stdout)
`;

function pythonSlugs(names: string[]): string[] {
  if (!existsSync(python)) {
    throw new Error(
      `No Python at ${python}. Run \`npm run tools\` (it creates .tools/venv with python-slugify 8.0.4), or set LAZYSCRIBE_PYTHON.`,
    );
  }
  const run = spawnSync(python, ["-c", PY_SLUGIFY], { input: JSON.stringify(names), maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`python-slugify failed (is it installed in ${python}?):\n${run.stderr.toString()}`);
  const out = JSON.parse(run.stdout.toString()) as { versions: Record<string, string>; slugs: string[] };
  // python-slugify prefers the `Unidecode` package when present, which transliterates differently.
  expect(out.versions).toEqual({ "python-slugify": "8.0.4", "text-unidecode": "1.3", backend: "text_unidecode" });
  return out.slugs;
}

function mismatches(names: string[]): { name: string; python: string; ts: string }[] {
  const expected = pythonSlugs(names);
  return names.flatMap((name, k) => {
    const ts = slugify(name);
    return ts === expected[k] ? [] : [{ name, python: expected[k] as string, ts }];
  });
}

// Section 2.1 of the behaviour spec, verified against Python.
const SPEC_TABLE: [string, string][] = [
  ["My experiment", "my-experiment"],
  ["My Experiment!!", "my-experiment"],
  ["under_score name", "under-score-name"],
  ["__init__", "init"],
  ["CamelCaseName", "camelcasename"],
  ["Don't stop", "don-t-stop"],
  ["it’s done", "its-done"],
  ["C'est déjà l'été.", "c-est-deja-l-ete"],
  ["Ünïcödé Ñame", "unicode-name"],
  ["ß straße", "ss-strasse"],
  ["æøå", "aeoa"],
  ["Łódź", "lodz"],
  ["Компьютер", "kompiuter"],
  ["Ελληνικά", "ellenika"],
  ["影師嗎", "ying-shi-ma"],
  ["北京 2024", "bei-jing-2024"],
  ["한국어", "hangugeo"],
  ["العربية", "l-rby"],
  ["i love 🦄", "i-love"],
  ["émoji 😀 test", "emoji-test"],
  ["1,000 runs", "1000-runs"],
  ["a,b", "a-b"],
  ["version 1.2.3", "version-1-2-3"],
  ["AUC@0.5", "auc-0-5"],
  ["a&amp;b", "a-b"],
  ["&#65;&#x42;c", "abc"],
  ["caf&#233;s", "cafe-s"],
  ["&lt;tag&gt;", "tag"],
  ["½ cup", "1-2-cup"],
  ["①②③", "123"],
  ["™ ® ©", "tm-r-c"],
  ["ﬁ ligature", "fi-ligature"],
  ["../etc/passwd", "etc-passwd"],
  ["a/b\\c", "a-b-c"],
  ["x--y__z", "x-y-z"],
  ["!!!", ""],
  ["---", ""],
  ["..", ""],
  ["", ""],
];

describe("slugify", () => {
  it.each(SPEC_TABLE)("slugify(%j) is %j", (input, slug) => {
    expect(slugify(input)).toBe(slug);
  });

  it("handles the cases where npm unidecode and text-unidecode disagree", () => {
    expect(slugify("ß©")).toBe("ss-c"); // npm unidecode alone reads "ß©" as a UTF-8 byte pair
    expect(slugify("a\u3400b")).toBe("a-b"); // CJK extension A: text-unidecode writes "[?]"
    expect(slugify("1\u00962")).toBe("12"); // C1 control: text-unidecode drops it
    expect(slugify("a\u{1ccd6}b")).toBe("ab"); // unassigned in Python's Unicode 14, so no NFKD
    expect(slugify("&#1114112; &#65;")).toBe("1114112-65"); // one bad reference undoes the whole step
    expect(slugify("a&#x&#1633;;b")).toBe("a-b"); // Python's \d and int() accept Arabic-Indic digits
  });

  it("matches python-slugify 8.0.4 on the committed corpus", () => {
    const corpus = JSON.parse(readFileSync(new URL("./slug-corpus.json", import.meta.url), "utf8")) as string[];
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(mismatches(corpus)).toEqual([]);
  });

  it("matches python-slugify 8.0.4 on every code point between letters", () => {
    const names: string[] = [];
    for (let cp = 0x80; cp < 0x110000; cp++) {
      // The whole BMP (lone surrogates included), a sample of the astral planes, and every
      // astral code point Node decomposes (this catches a Node upgrade to a newer Unicode).
      const ch = String.fromCodePoint(cp);
      if (cp > 0xffff && cp % 61 !== 0 && ch.normalize("NFKD") === ch) continue;
      names.push(`a${ch}b`);
    }
    expect(mismatches(names)).toEqual([]);
  });
});
