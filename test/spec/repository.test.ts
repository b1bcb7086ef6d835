/** Behaviours of Python's tests/test_repository.py (spec section 12, test_repository), on memory and local disk. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  Artifact,
  ArtifactLoadError,
  InvalidArgumentError,
  InvalidStateError,
  InvalidVersionError,
  NotFoundError,
  ReadOnlyError,
  Repository,
  SaveError,
  VersionNotFoundError,
  jsonHandler,
  pythonUnifiedDiff,
  registerHandler,
  resolveLocation,
  setClock,
  type ArtifactHandler,
} from "@lazyscribe/core";
import { specBackends } from "../support/backends.js";

const FIXTURE = "/work/shared/fixtures/upstream-python/repository.json";

/** A naive-UTC timestamp, as Python's `datetime(...)` without a zone. */
const d = (iso: string) => new Date(`${iso}Z`);

async function readText(location: string): Promise<string> {
  const { storage, path } = await resolveLocation(location);
  return new TextDecoder().decode(await storage.read(path));
}

async function writeText(location: string, text: string): Promise<void> {
  const { storage, path } = await resolveLocation(location);
  await storage.write(path, text);
}

async function exists(location: string): Promise<boolean> {
  const { storage, path } = await resolveLocation(location);
  return (await storage.stat(path)) !== null;
}

/** Keys of every file under a folder location, relative to it, sorted. */
async function listFiles(folder: string): Promise<string[]> {
  const { storage, path } = await resolveLocation(folder);
  const keys: string[] = [];
  for await (const entry of storage.list(`${path}/`)) keys.push(entry.key.slice(path.length + 1));
  return keys.sort();
}

/** Runs `fn` and returns the process warnings it emitted (emitWarning delivers them on a later tick). */
async function captureWarnings(fn: () => unknown): Promise<Error[]> {
  const warnings: Error[] = [];
  const listener = (w: Error) => warnings.push(w);
  process.on("warning", listener);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 0));
  } finally {
    process.off("warning", listener);
  }
  return warnings.filter((w) => w.name === "LazyscribeWarning");
}

/** Stands in for Python's pickle handler: binary, and records the "interpreter version" it was written with. */
let pythonVersion = "3.11";
const picklish: ArtifactHandler<unknown> = {
  alias: "testpickle",
  suffix: "pkl",
  binary: true,
  outputOnly: false,
  environment: () => ({ python_version: pythonVersion }),
  encode: (v) => new TextEncoder().encode(JSON.stringify(v)),
  decode: (data) => JSON.parse(new TextDecoder().decode(data)),
};
registerHandler(picklish);

/** Python's tests/conftest.py TestArtifact: an output-only handler. */
registerHandler<unknown>({
  alias: "testartifact",
  suffix: "testartifact",
  binary: false,
  outputOnly: true,
  encode: (v) => JSON.stringify(v),
  decode: (data) => new TextDecoder().decode(data),
});

// python3 is a stated requirement of the test suite (README); without it this fails rather than skips.
describe("getVersionDiff text against python3's difflib", () => {
  it("matches difflib.unified_diff on random line edits, including inputs of 200+ lines (autojunk)", () => {
    let seed = 2025;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const cases: Array<[string, string]> = [["a\rb\u2028c\x85d\r\n", "a\nB\nc\nd"]];
    for (let c = 0; c < 120; c++) {
      const big = c % 4 === 0;
      const alphabet = big ? 5 : 1 + Math.floor(rnd() * 6);
      const line = () => `l${Math.floor(rnd() * alphabet)}${rnd() < 0.3 ? `x${Math.floor(rnd() * 50)}` : ""}`;
      const a = Array.from({ length: big ? 200 + Math.floor(rnd() * 100) : Math.floor(rnd() * 30) }, line);
      const b = [...a];
      for (let e = Math.floor(rnd() * 10); e > 0; e--) {
        const at = Math.floor(rnd() * (b.length + 1));
        if (rnd() < 0.5) b.splice(at, 1);
        else b.splice(at, 0, `n${Math.floor(rnd() * alphabet)}`);
      }
      cases.push([a.join("\n"), b.join("\n")]);
    }
    const script = [
      "import sys, json, difflib",
      "cases = json.load(sys.stdin)",
      'print(json.dumps(["\\n".join(difflib.unified_diff(a.splitlines(), b.splitlines())) for a, b in cases]))',
    ].join("\n");
    const expected = JSON.parse(
      execFileSync("python3", ["-c", script], { input: JSON.stringify(cases), maxBuffer: 1 << 26 }).toString(),
    ) as string[];
    expect(cases.map(([a, b]) => pythonUnifiedDiff(a, b))).toEqual(expected);
  });
});

describe.each(specBackends)("repository on $name", (backend) => {
  let restore: () => void;
  let clock = d("2025-01-20T13:23:30");
  let root: string;
  let location: string;
  let dir: string;
  const travel = (iso: string) => {
    clock = d(iso);
  };

  beforeEach(async () => {
    clock = d("2025-01-20T13:23:30");
    restore = setClock(() => new Date(clock.getTime()));
    root = await backend.freshRoot();
    dir = `${root}/my-repository`;
    location = `${dir}/repository.json`;
    pythonVersion = "3.11";
  });
  afterEach(() => restore());

  const open = (mode: "r" | "w" | "w+" = "w+") => Repository.open(location, { mode });

  /** my-dict v0 (01-20) and v1 (01-21), my-dict2 v0 (01-20), saved. */
  async function twoNames(): Promise<Repository> {
    const repo = await open();
    travel("2025-01-20T13:23:30");
    repo.logArtifact("my-dict", { a: 1 }, "json");
    repo.logArtifact("my-dict2", { b: 2 }, "json");
    travel("2025-01-21T13:23:30");
    repo.logArtifact("my-dict", { a: 1, d: 2 }, "json");
    await repo.save();
    return repo;
  }

  /** Three versions of my-data with indented json, saved (Python's diff tests). */
  async function threeVersions(values: unknown[]): Promise<Repository> {
    const repo = await open();
    values.forEach((value, i) => {
      travel(`2025-01-2${i}T13:23:30`);
      repo.logArtifact("my-data", value, "json", { indent: 4 });
    });
    await repo.save();
    return repo;
  }

  it("logs into a repository opened by URL: one entry of the handler type, get by name, NotFoundError for an unknown name", async () => {
    // Python opens "file://<path>"; on memory the root is already a memory:// URL.
    const url = backend.name === "local" ? `file://${root}/external_fs_repository.json` : `${root}/external_fs_repository.json`;
    const repo = await Repository.open(url);
    expect(repo.protocol).toBe(backend.name === "local" ? "file" : "memory");
    repo.logArtifact("my-dict", { a: 1 }, "json");
    expect(repo.artifacts).toHaveLength(1);
    expect(repo.artifacts[0]).toBeInstanceOf(Artifact);
    expect(repo.artifacts[0]!.resolveHandler()).toBe(jsonHandler);
    expect(repo.get("my-dict")).toBe(repo.artifacts[0]);
    expect(() => repo.get("not a real artifact")).toThrow(NotFoundError);
  });

  it("mode r refuses log and save, and loads the 4 legacy fixture entries (extra python_version, no expiry)", async () => {
    const fixture = readFileSync(FIXTURE, "utf8");
    await writeText(location, fixture);
    const repo = await open("r");
    expect(() => repo.logArtifact("name", [1, 2, 3], "json")).toThrow(ReadOnlyError);
    expect(repo.artifacts).toHaveLength(4);
    await expect(repo.save()).rejects.toBeInstanceOf(ReadOnlyError);
    expect(repo.artifacts).toHaveLength(4);
    expect(repo.artifacts.map((a) => [a.name, a.version, a.expiry, a.dirty, a.handler])).toEqual([
      ["test", 0, null, false, "json"],
      ["test", 1, null, false, "json"],
      ["test", 2, null, false, "json"],
      ["test", 3, null, false, "json"],
    ]);
    expect(repo.getArtifactMetadata("test")).toEqual({
      created_at: "2025-01-13T14:24:08",
      expiry: null,
      fname: "test-20250113142408.json",
      handler: "json",
      name: "test",
      version: 3,
    });
    expect(await readText(location)).toBe(fixture);
  });

  it("re-saving the legacy fixture drops python_version from json entries", async () => {
    await writeText(location, readFileSync(FIXTURE, "utf8"));
    const repo = await open("w+");
    await repo.save();
    const saved = JSON.parse(await readText(location)) as Array<Record<string, unknown>>;
    expect(saved).toHaveLength(4);
    for (const [i, entry] of saved.entries()) {
      expect(Object.keys(entry)).toEqual(["created_at", "expiry", "fname", "handler", "name", "version"]);
      expect(entry).toMatchObject({ expiry: null, handler: "json", name: "test", version: i });
    }
  });

  it("save writes the exact one-entry manifest, clears dirty, and a fresh r open loads the value from dir/name/fname", async () => {
    const repo = await open();
    repo.logArtifact("my-dict", { a: 1 }, "json");
    expect(repo.get("my-dict").dirty).toBe(true);
    await repo.save();
    expect(repo.get("my-dict").dirty).toBe(false);
    // Python's json.dump(sort_keys=True, indent=4): no trailing newline.
    expect(await readText(location)).toBe(
      [
        "[",
        "    {",
        '        "created_at": "2025-01-20T13:23:30",',
        '        "expiry": null,',
        '        "fname": "my-dict-20250120132330.json",',
        '        "handler": "json",',
        '        "name": "my-dict",',
        '        "version": 0',
        "    }",
        "]",
      ].join("\n"),
    );
    const reread = await open("r");
    expect(await reread.loadArtifact("my-dict")).toEqual({ a: 1 });
    expect(await readText(`${dir}/my-dict/my-dict-20250120132330.json`)).toBe('{"a": 1}');
  });

  it("saves an fname with sub-folders, lists it verbatim and loads it", async () => {
    const repo = await open();
    repo.logArtifact("my-dict", { a: 1 }, "json", { fname: "mydir/subdir/features.json" });
    await repo.save();
    expect(await exists(`${dir}/my-dict/mydir/subdir/features.json`)).toBe(true);
    expect(JSON.parse(await readText(location))[0].fname).toBe("mydir/subdir/features.json");
    const reread = await open("r");
    expect([...reread][0]!.fname).toBe("mydir/subdir/features.json");
    expect(await reread.loadArtifact("my-dict")).toEqual({ a: 1 });
  });

  it("an unserialisable value gives SaveError and no manifest", async () => {
    const repo = await open();
    // Python logs the class `int`; a class is not JSON-serialisable here either.
    repo.logArtifact("should-not-work", class NotJson {}, "json");
    const err = await repo.save().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SaveError);
    expect((err as SaveError).cause).toBeDefined();
    expect(await exists(location)).toBe(false);
    expect(await listFiles(dir)).toEqual([]);
  });

  it("a failed second save leaves the first manifest intact", async () => {
    const first = await open();
    first.logArtifact("my-dict", { a: 1 }, "json");
    await first.save();
    const before = await readText(location);
    const second = await open("w+");
    second.logArtifact("should-not-work", class NotJson {}, "json");
    await expect(second.save()).rejects.toBeInstanceOf(SaveError);
    expect(await readText(location)).toBe(before);
    expect((await open("r")).toJSON()).toEqual(first.toJSON());
  });

  it("reopening in w+ and logging another name: the old entry is clean, the new one dirty; after save both are listed in order and load", async () => {
    const first = await open();
    first.logArtifact("my-dict", { a: 1 }, "json");
    await first.save();
    const repo = await open("w+");
    repo.logArtifact("my-dict-2", { b: 2 }, "json");
    expect(repo.get("my-dict").dirty).toBe(false);
    expect(repo.get("my-dict-2").dirty).toBe(true);
    await repo.save();
    expect(repo.get("my-dict").dirty).toBe(false);
    expect(repo.get("my-dict-2").dirty).toBe(false);
    expect(JSON.parse(await readText(location))).toEqual([
      {
        created_at: "2025-01-20T13:23:30",
        expiry: null,
        fname: "my-dict-20250120132330.json",
        handler: "json",
        name: "my-dict",
        version: 0,
      },
      {
        created_at: "2025-01-20T13:23:30",
        expiry: null,
        fname: "my-dict-2-20250120132330.json",
        handler: "json",
        name: "my-dict-2",
        version: 0,
      },
    ]);
    expect(await repo.loadArtifact("my-dict")).toEqual({ a: 1 });
    expect(await repo.loadArtifact("my-dict-2")).toEqual({ b: 2 });
    expect(JSON.parse(await readText(`${dir}/my-dict-2/my-dict-2-20250120132330.json`))).toEqual({ b: 2 });
  });

  it("two names, one with two versions: log-order manifest, loads by integer, timestamp, string and latest, VersionNotFoundError for missing versions", async () => {
    await twoNames();
    expect(JSON.parse(await readText(location))).toEqual([
      {
        created_at: "2025-01-20T13:23:30",
        expiry: null,
        fname: "my-dict-20250120132330.json",
        handler: "json",
        name: "my-dict",
        version: 0,
      },
      {
        created_at: "2025-01-20T13:23:30",
        expiry: null,
        fname: "my-dict2-20250120132330.json",
        handler: "json",
        name: "my-dict2",
        version: 0,
      },
      {
        created_at: "2025-01-21T13:23:30",
        expiry: null,
        fname: "my-dict-20250121132330.json",
        handler: "json",
        name: "my-dict",
        version: 1,
      },
    ]);
    const repo = await open("r");
    for (const version of [0, d("2025-01-20T13:23:30"), "2025-01-20T13:23:30"]) {
      expect(await repo.loadArtifact("my-dict", { version })).toEqual({ a: 1 });
    }
    for (const version of [undefined, 1, d("2025-01-21T13:23:30"), "2025-01-21T13:23:30"]) {
      expect(await repo.loadArtifact("my-dict", { version })).toEqual({ a: 1, d: 2 });
    }
    for (const version of [undefined, 0, d("2025-01-20T13:23:30"), "2025-01-20T13:23:30"]) {
      expect(await repo.loadArtifact("my-dict2", { version })).toEqual({ b: 2 });
    }
    for (const [name, version] of [
      ["my-dict", 2],
      ["my-dict", "2025-01-22T12:23:32"],
      ["my-dict", d("2025-01-22T13:23:30")],
      ["my-dict2", d("2025-01-22T13:23:30")],
      ["my-dict2", 1],
      ["my-dict2", "2025-01-22T12:23:32"],
    ] as const) {
      await expect(repo.loadArtifact(name, { version })).rejects.toBeInstanceOf(VersionNotFoundError);
    }
    await expect(repo.loadArtifact("my-dict", { version: "2025-01-21 13:23:30" })).rejects.toBeInstanceOf(InvalidVersionError);
    expect(repo.has("my-dict")).toBe(true);
    expect(repo.has("my-dict2")).toBe(true);
    expect(repo.has("my-dict3")).toBe(false);
    // Python raises ValueError for an unknown name; the port's error for an unknown artifact name is NotFoundError.
    await expect(repo.loadArtifact("my-dict3")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("a binary (pickle-like) artifact saved and reloaded under another interpreter version fails with ArtifactLoadError", async () => {
    const repo = await open();
    repo.logArtifact("estimator", { coef: [1, 2] }, "testpickle");
    await repo.save();
    expect(await exists(`${dir}/estimator/estimator-20250120132330.pkl`)).toBe(true);
    expect(repo.getArtifactMetadata("estimator")).toMatchObject({ python_version: "3.11" });
    pythonVersion = "3.9";
    const reread = await open("r");
    await expect(reread.loadArtifact("estimator")).rejects.toBeInstanceOf(ArtifactLoadError);
    expect(await reread.loadArtifact("estimator", { validate: false })).toEqual({ coef: [1, 2] });
  });

  describe("expiry", () => {
    /** my-dict and my-other, each v0 (01-01) and v1 (02-01), saved. */
    async function twoVersionsEach(): Promise<Repository> {
      const repo = await open();
      for (const [iso, n] of [
        ["2025-01-01T00:00:00", 1],
        ["2025-02-01T00:00:00", 2],
      ] as const) {
        travel(iso);
        repo.logArtifact("my-dict", { a: n }, "json");
        repo.logArtifact("my-other", { b: n }, "json");
      }
      await repo.save();
      return repo;
    }

    it("set by timestamp and by string: asof after the expiry falls back to the older version, asof before it returns the expiring one; mode r refuses", async () => {
      const repo = await twoVersionsEach();
      repo.setArtifactExpiry("my-dict", { version: 1, expiry: d("2025-02-15T00:00:00") });
      repo.setArtifactExpiry("my-other", { version: 1, expiry: "2025-02-15T00:00:00" });
      for (const name of ["my-dict", "my-other"]) {
        expect(repo.getArtifactMetadata(name, { version: 1 }).expiry).toBe("2025-02-15T00:00:00");
        expect(repo.getArtifactMetadata(name, { version: d("2025-02-20T00:00:00"), match: "asof" }).version).toBe(0);
        expect(repo.getArtifactMetadata(name, { version: "2025-02-10T00:00:00", match: "asof" }).version).toBe(1);
        // Strict: an entry that expires exactly at the cut-off is excluded.
        expect(repo.getArtifactMetadata(name, { version: d("2025-02-15T00:00:00"), match: "asof" }).version).toBe(0);
      }
      expect(await repo.loadArtifact("my-dict", { version: d("2025-02-20T00:00:00"), match: "asof" })).toEqual({ a: 1 });
      expect(await repo.loadArtifact("my-dict", { version: d("2025-02-10T00:00:00"), match: "asof" })).toEqual({ a: 2 });
      const readOnly = await open("r");
      expect(() => readOnly.setArtifactExpiry("my-dict", { version: 0, expiry: d("2025-03-01T00:00:00") })).toThrow(ReadOnlyError);
    });

    it("an expiry of a wrong type gives InvalidArgumentError; no expiry means now()", async () => {
      const repo = await twoVersionsEach();
      expect(() => repo.setArtifactExpiry("my-dict", { expiry: 42 as never })).toThrow(InvalidArgumentError);
      // A malformed string is a plain ValueError in Python, not InvalidVersionError.
      const bad = (() => {
        try {
          repo.setArtifactExpiry("my-dict", { expiry: "2025-02-15 00:00:00" });
        } catch (err) {
          return err;
        }
      })();
      expect(bad).toBeInstanceOf(InvalidArgumentError);
      expect(bad).not.toBeInstanceOf(InvalidVersionError);
      travel("2025-03-01T00:00:00");
      repo.setArtifactExpiry("my-dict");
      expect(repo.get("my-dict").expiry).toBeNull();
      expect(repo.getArtifactMetadata("my-dict", { version: 1 }).expiry).toBe("2025-03-01T00:00:00");
      // The latest version expired "now", so the latest search falls back to version 0.
      expect(repo.getArtifactMetadata("my-dict").version).toBe(0);
    });

    it("with every version expired, the latest search and an asof search after the expiries give VersionNotFoundError", async () => {
      const repo = await twoVersionsEach();
      repo.setArtifactExpiry("my-dict", { version: 0, expiry: "2025-02-10T00:00:00" });
      repo.setArtifactExpiry("my-dict", { version: 1, expiry: "2025-02-15T00:00:00" });
      travel("2025-03-01T00:00:00");
      expect(() => repo.getArtifactMetadata("my-dict")).toThrow(VersionNotFoundError);
      await expect(repo.loadArtifact("my-dict")).rejects.toBeInstanceOf(VersionNotFoundError);
      expect(() => repo.getArtifactMetadata("my-dict", { version: d("2025-02-20T00:00:00"), match: "asof" })).toThrow(VersionNotFoundError);
      // Exact searches ignore expiry.
      expect(repo.getArtifactMetadata("my-dict", { version: 1 }).version).toBe(1);
    });

    it("parses a stored expiry on load, so searches on a reloaded repository honour it", async () => {
      // W9: Python keeps a stored expiry as a string and its searches then crash with a TypeError.
      const repo = await twoVersionsEach();
      repo.setArtifactExpiry("my-dict", { version: 1, expiry: "2025-02-15T00:00:00" });
      await repo.save();
      travel("2025-03-01T00:00:00");
      const reread = await open("r");
      expect(reread.artifacts.find((a) => a.name === "my-dict" && a.version === 1)!.expiry).toEqual(d("2025-02-15T00:00:00"));
      expect(reread.getArtifactMetadata("my-dict").version).toBe(0);
      expect(reread.getArtifactMetadata("my-dict", { version: 1 }).expiry).toBe("2025-02-15T00:00:00");
      expect(reread.getArtifactMetadata("my-dict", { version: d("2025-02-10T00:00:00"), match: "asof" }).version).toBe(1);
      expect(reread.getArtifactMetadata("my-other").version).toBe(1);
    });
  });

  it("output_only: warns on log, save and load, and iteration yields the metadata map", async () => {
    const repo = await open();
    const onLog = await captureWarnings(() => repo.logArtifact("features", [0, 1, 2], "testartifact"));
    expect(onLog).toHaveLength(1);
    expect(onLog[0]!.message).toContain('"features"');
    expect([...repo]).toEqual([
      {
        created_at: "2025-01-20T13:23:30",
        expiry: null,
        fname: "features-20250120132330.testartifact",
        handler: "testartifact",
        name: "features",
        version: 0,
      },
    ]);
    const onSave = await captureWarnings(() => repo.save());
    expect(onSave).toHaveLength(1);
    expect(onSave[0]!.message).toContain('"features"');
    expect(await exists(`${dir}/features/features-20250120132330.testartifact`)).toBe(true);
    const reread = await open("r");
    const onLoad = await captureWarnings(() => reread.loadArtifact("features"));
    expect(onLoad).toHaveLength(1);
    expect(onLoad[0]!.message).toContain("not the original object");
  });

  it("an invalid match with a timestamp gives InvalidArgumentError", async () => {
    const repo = await open();
    repo.logArtifact("my-dict", { a: 1 }, "json");
    expect(() => repo.getArtifactMetadata("my-dict", { version: d("2025-01-01T00:00:00"), match: "fake" as never })).toThrow(
      InvalidArgumentError,
    );
    expect(() => repo.getArtifactMetadata("my-dict", { version: 0, match: "asof" })).toThrow(InvalidArgumentError);
  });

  it("asof: before the first version VersionNotFoundError; at a created_at that version; between two the earlier; after all the latest", async () => {
    const repo = await open();
    for (const [iso, a] of [
      ["2025-01-01T00:00:00", 1],
      ["2025-02-01T00:00:00", 2],
      ["2025-03-01T00:00:00", 3],
    ] as const) {
      travel(iso);
      repo.logArtifact("my-dict", { a }, "json");
    }
    await repo.save();
    const err = await repo.loadArtifact("my-dict", { version: d("2024-12-31T00:00:00"), match: "asof" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VersionNotFoundError);
    expect((err as Error).message).toContain("2024-12-31 00:00:00");
    expect((err as Error).message).toContain("2025-01-01 00:00:00");
    expect(await repo.loadArtifact("my-dict", { version: d("2025-01-01T00:00:00"), match: "asof" })).toEqual(
      await repo.loadArtifact("my-dict", { version: 0 }),
    );
    expect(await repo.loadArtifact("my-dict", { version: d("2025-01-15T00:00:00"), match: "asof" })).toEqual({ a: 1 });
    expect(await repo.loadArtifact("my-dict", { version: d("2025-03-15T00:00:00"), match: "asof" })).toEqual(
      await repo.loadArtifact("my-dict", { version: d("2025-03-01T00:00:00") }),
    );
    expect(await repo.loadArtifact("my-dict", { version: "2025-03-15T00:00:00", match: "asof" })).toEqual({ a: 3 });
  });

  it("getArtifactMetadata returns the exact map", async () => {
    const repo = await open();
    repo.logArtifact("my-dict", { a: 1 }, "json");
    expect(repo.getArtifactMetadata("my-dict")).toEqual({
      created_at: "2025-01-20T13:23:30",
      expiry: null,
      fname: "my-dict-20250120132330.json",
      handler: "json",
      name: "my-dict",
      version: 0,
    });
  });

  it("diffing unsaved versions gives ArtifactLoadError", async () => {
    const repo = await open();
    repo.logArtifact("my-data", { a: 1 }, "json");
    travel("2025-01-21T13:23:30");
    repo.logArtifact("my-data", { a: 2 }, "json");
    await expect(repo.getVersionDiff("my-data", 0)).rejects.toBeInstanceOf(ArtifactLoadError);
  });

  it("diffing binary (pickle-like) versions gives InvalidArgumentError", async () => {
    const repo = await open();
    repo.logArtifact("my-data", { a: 1 }, "testpickle");
    await repo.save();
    travel("2025-01-21T13:23:30");
    repo.logArtifact("my-data", { a: 2 }, "testpickle");
    await repo.save();
    await expect(repo.getVersionDiff("my-data", 0)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it("a diff of version 0 against the latest equals Python's unified diff of the two indented files", async () => {
    const repo = await threeVersions([{ a: 1 }, { a: 2 }]);
    // Verified with python3 3.11:
    // "\n".join(difflib.unified_diff(json.dumps({"a": 1}, indent=4).splitlines(), json.dumps({"a": 2}, indent=4).splitlines()))
    expect(await repo.getVersionDiff("my-data", 0)).toBe('--- \n\n+++ \n\n@@ -1,3 +1,3 @@\n\n {\n-    "a": 1\n+    "a": 2\n }');
  });

  it("a diff of the pair (0, 2) equals Python's unified diff of those two files", async () => {
    const repo = await threeVersions([[{ a: 1 }], [{ a: 2 }], [{ a: 2 }, { a: 1 }]]);
    // Verified with python3 3.11:
    // "\n".join(difflib.unified_diff(json.dumps([{"a": 1}], indent=4).splitlines(), json.dumps([{"a": 2}, {"a": 1}], indent=4).splitlines()))
    const expected = '--- \n\n+++ \n\n@@ -1,4 +1,7 @@\n\n [\n+    {\n+        "a": 2\n+    },\n     {\n         "a": 1\n     }';
    expect(await repo.getVersionDiff("my-data", [0, 2])).toBe(expected);
    // The pair is ordered by created_at, so the reversed pair gives the same diff.
    expect(await repo.getVersionDiff("my-data", [2, 0])).toBe(expected);
    // Two different versions, so no "only one version" warning: W22 (Python warns for every json pair).
    expect(await captureWarnings(() => repo.getVersionDiff("my-data", [0, 1]))).toEqual([]);
  });

  it("a diff of the latest version against itself returns '' and warns exactly once with the version number", async () => {
    const repo = await threeVersions([[{ a: 1 }], [{ a: 2 }], [{ a: 2 }, { a: 1 }]]);
    let out: string | undefined;
    const warnings = await captureWarnings(async () => {
      out = await repo.getVersionDiff("my-data", 2);
    });
    expect(out).toBe("");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain("version 2");
  });

  it("filter by timestamp keeps 2 of 3 names with one warning and the right versions; filter by pairs gives exactly those", async () => {
    const writer = await open();
    travel("2025-01-20T13:23:30");
    writer.logArtifact("my-data", [{ a: 1 }], "json");
    writer.logArtifact("my-features", [0], "json");
    travel("2025-01-21T13:23:30");
    writer.logArtifact("my-data", [{ a: 2 }], "json");
    writer.logArtifact("my-features", [0, 1], "json");
    travel("2025-01-22T13:23:30");
    writer.logArtifact("my-metadata", { process_ver: 1.0 }, "json");
    await writer.save();
    expect(() => writer.filter(d("2025-01-21T00:00:00"))).toThrow(InvalidStateError);

    const repo = await open("r");
    let filtered: Repository | undefined;
    const warnings = await captureWarnings(() => {
      filtered = repo.filter(d("2025-01-21T00:00:00"));
    });
    expect(filtered!.artifacts).toHaveLength(2);
    expect(filtered!.has("my-metadata")).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('"my-metadata"');
    expect(warnings[0]!.message).toContain("2025-01-21 00:00:00");
    // W16: Python's order follows set iteration; ours is sorted by name.
    expect(filtered!.artifacts.map((a) => a.name)).toEqual(["my-data", "my-features"]);
    expect(filtered!.get("my-data")).toBe(repo.search("my-data", 0));
    expect(filtered!.get("my-features")).toBe(repo.search("my-features", 0));
    expect(filtered!.mode).toBe("r");

    const pinned = repo.filter([
      ["my-features", 1],
      ["my-metadata", 0],
    ]);
    expect(pinned.artifacts).toHaveLength(2);
    expect(pinned.has("my-data")).toBe(false);
    expect(pinned.get("my-features")).toBe(repo.search("my-features", 1));
    expect(pinned.get("my-metadata")).toBe(repo.search("my-metadata", 0));
    // W16: Python silently returns nothing for a non-list; we refuse it.
    expect(() => repo.filter(42 as never)).toThrow(InvalidArgumentError);
  });

  describe("transfer state", () => {
    afterEach(() => vi.restoreAllMocks());

    it("serialisation delegates to the artifact hook", async () => {
      const repo = await twoNames();
      const spy = vi.spyOn(Artifact.prototype, "toState");
      const state = await repo.toState();
      expect(spy).toHaveBeenCalledTimes(3);
      expect(state).toMatchObject({ fpath: location, protocol: repo.protocol, path: repo.path, dir: repo.dir, mode: "w+" });
      expect(state.artifacts.map((a) => [a.name, a.version])).toEqual([
        ["my-dict", 0],
        ["my-dict2", 0],
        ["my-dict", 1],
      ]);
      // The state is plain data a worker can receive.
      expect(structuredClone(state)).toEqual(state);
    });

    it("restore passes the exact state (value as JSON text) to the artifact hook", async () => {
      const repo = await open();
      repo.logArtifact("my-dict", { a: 1 }, "json");
      const spy = vi.spyOn(Artifact, "fromState");
      await Repository.fromState(await repo.toState());
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy).toHaveBeenCalledWith({
        name: "my-dict",
        handler: "json",
        fname: "my-dict-20250120132330.json",
        value: '{"a": 1}',
        writerOptions: {},
        createdAt: d("2025-01-20T13:23:30"),
        expiry: null,
        version: 0,
        dirty: true,
        fields: {},
      });
    });

    it("a round trip keeps dir, fpath, mode, options, artifacts, protocol and store", async () => {
      const repo = await twoNames();
      travel("2025-01-22T13:23:30");
      repo.logArtifact("my-dict", { a: 3 }, "json", { indent: 2 });
      // W8: storage settings (credentials) are not part of the state; the receiver passes its own.
      const copy = await Repository.fromState(structuredClone(await repo.toState()));
      expect(copy.dir).toBe(repo.dir);
      expect(copy.fpath).toBe(repo.fpath);
      expect(copy.path).toBe(repo.path);
      expect(copy.mode).toBe(repo.mode);
      expect(copy.protocol).toBe(repo.protocol);
      expect(copy.storage.storeId).toBe(repo.storage.storeId);
      expect(copy.toJSON()).toEqual(repo.toJSON());
      expect(copy.artifacts.map((a) => [a.dirty, a.value, a.writerOptions])).toEqual(
        repo.artifacts.map((a) => [a.dirty, a.value, a.writerOptions]),
      );
      await copy.save();
      expect(await (await open("r")).loadArtifact("my-dict", { version: 2 })).toEqual({ a: 3 });
      expect(await readText(`${dir}/my-dict/my-dict-20250122132330.json`)).toBe('{\n  "a": 3\n}');
    });
  });
});
