/**
 * Slugs and default file names: Python lazyscribe's own `Experiment(...).slug`,
 * `short_slug` and handler `construct(...).fname` against ours, on the slug corpus.
 * (packages/core/src/naming/slugify.test.ts compares bare python-slugify on more names.)
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createMemoryStorage, defaultFileName, Experiment } from "@lazyscribe/core";
import { canon, py, utc } from "./harness.js";

const CORPUS = JSON.parse(readFileSync(new URL("../../packages/core/src/naming/slug-corpus.json", import.meta.url), "utf8")) as string[];
const AT = "2025-01-20T13:23:30";

describe("names as Python lazyscribe computes them", () => {
  it("Experiment slug, short_slug, path and json/pickle default file names agree on the whole corpus", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(200);
    const names = [...CORPUS, "!!!", "", "Model v2 (final)", "2025-01-20", "name-20250120132330"];
    const python = py<Array<{ short_slug: string; slug: string; path: string; fnames: Record<string, string> }>>("naming", {
      op: "names",
      names,
      at: AT,
    });
    const storage = createMemoryStorage();
    const ours = names.map((name) => {
      const exp = new Experiment({ name, project: "project.json", storage, createdAt: utc(AT), lastUpdated: utc(AT), author: "interop" });
      return {
        short_slug: exp.shortSlug,
        slug: exp.slug,
        path: exp.path,
        fnames: { json: defaultFileName(name, utc(AT), "json"), pickle: defaultFileName(name, utc(AT), "pkl") },
      };
    });
    const mismatches = names.flatMap((name, i) =>
      canon(python[i]) === canon(ours[i]) ? [] : [{ name, python: python[i], ours: ours[i] }],
    );
    expect(mismatches).toEqual([]);
  });
});
