import { describe, expect, it } from "vitest";
import { createMemoryStorage, Experiment, PyFloat } from "@lazyscribe/core";
import { UsageError } from "../support/errors.js";
import { parseFilter } from "./filter.js";
import { sortExperiments } from "./sort.js";

const storage = createMemoryStorage();
const experiment = (name: string, created: string, metrics: Record<string, unknown>, parameters: Record<string, unknown>, tags: string[]) =>
  new Experiment({
    name,
    project: "project.json",
    storage,
    author: name === "c" ? "bo" : "ana",
    createdAt: new Date(`${created}Z`),
    metrics,
    parameters,
    tags,
  });

const a = experiment("a", "2025-03-01T10:00:00", { auc: 0.81, loss: 0.4 }, { lr: 0.1, optimizer: "sgd" }, ["baseline"]);
const b = experiment("b", "2025-03-02T10:00:00", { auc: new PyFloat(0.9) }, { lr: 0.01, optimizer: "adam" }, ["candidate", "tuned"]);
const c = experiment("c", "2025-03-03T10:00:00", { auc: 10n ** 20n }, { lr: "auto" }, []);
const all = [a, b, c];
const names = (expr: string) => all.filter((e) => parseFilter(expr).test(e)).map((e) => e.name);

describe("--filter", () => {
  it("compares metrics and parameters as numbers when both sides are numbers", () => {
    expect(names("auc>0.8")).toEqual(["a", "b", "c"]);
    expect(names("auc <= 0.81")).toEqual(["a"]);
    expect(names("lr=0.01")).toEqual(["b"]);
    expect(names("param.lr==0.1")).toEqual(["a"]);
    expect(names("metric.loss<1")).toEqual(["a"]);
    expect(names("loss!=0.4")).toEqual(["b", "c"]);
  });

  it("compares text exactly, ~ as a case-insensitive substring", () => {
    expect(names("optimizer=adam")).toEqual(["b"]);
    expect(names("lr=auto")).toEqual(["c"]);
    expect(names("author=ana")).toEqual(["a", "b"]);
    expect(names("name~B")).toEqual(["b"]);
  });

  it("tests tag membership and dates as times", () => {
    expect(names("tag=tuned")).toEqual(["b"]);
    expect(names("tags!=baseline")).toEqual(["b", "c"]);
    expect(names("tag~cand")).toEqual(["b"]);
    expect(names("created>=2025-03-02")).toEqual(["b", "c"]);
    expect(names("created<2025-03-02T10:00:01")).toEqual(["a", "b"]);
  });

  it("rejects malformed expressions as usage errors", () => {
    expect(() => parseFilter("auc")).toThrow(UsageError);
    expect(() => parseFilter(">0.3")).toThrow(UsageError);
    expect(() => names("created>yesterday")).toThrow(/is not a date/);
    expect(() => names("tag>x")).toThrow(/tags support =, != and ~ only/);
  });
});

describe("--sort", () => {
  it("sorts numbers numerically, descending with -, missing values last", () => {
    expect(sortExperiments(all, ["-auc"]).map((e) => e.name)).toEqual(["c", "b", "a"]);
    expect(sortExperiments(all, ["loss"]).map((e) => e.name)).toEqual(["a", "b", "c"]);
    expect(sortExperiments(all, ["author", "-created"]).map((e) => e.name)).toEqual(["b", "a", "c"]);
  });
});
