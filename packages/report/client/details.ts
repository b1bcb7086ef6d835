/** One experiment in full: who, when, tags, dependencies, parameters, metrics, artifacts and tests. */
import type { ReportArtifact, ReportExperiment, ReportValue } from "../src/report-data.js";
import { el, type Child } from "./dom.js";
import { formatBytes, formatValue } from "./format.js";

/** The details panel of an experiment. */
export function experimentDetails(e: ReportExperiment): HTMLElement {
  return el(
    "section",
    { className: "details", data: { testid: "details" } },
    el("h2", {}, e.name),
    definitionList([
      ["Slug", e.slug],
      ["Short slug", e.shortSlug],
      ["Author", e.author],
      ["Last updated by", e.lastUpdatedBy],
      ["Created", e.createdAt.replace("T", " ")],
      ["Last updated", e.lastUpdated.replace("T", " ")],
      ["Tags", e.tags.length ? el("span", { className: "chips" }, ...e.tags.map((t) => el("span", { className: "chip" }, t))) : "none"],
      ["Dependencies", e.dependencies.length ? el("ul", { className: "plain" }, ...e.dependencies.map((d) => el("li", {}, d))) : "none"],
    ]),
    valuesTable("Parameters", e.parameters),
    valuesTable("Metrics", e.metrics),
    artifactsTable("Artifacts", e.artifacts),
    e.tests.length
      ? el(
          "div",
          {},
          el("h3", {}, `Tests (${e.tests.length})`),
          ...e.tests.map((t) =>
            el(
              "details",
              { className: "test" },
              el("summary", {}, t.name, t.description ? el("span", { className: "muted" }, ` — ${t.description}`) : null),
              valuesTable("Metrics", t.metrics),
              valuesTable("Parameters", t.parameters),
              artifactsTable("Artifacts", t.artifacts),
            ),
          ),
        )
      : null,
  );
}

function definitionList(rows: Array<[string, Child]>): HTMLElement {
  const dl = el("dl");
  for (const [k, v] of rows) dl.append(el("dt", {}, k), el("dd", {}, v));
  return dl;
}

function valuesTable(title: string, values: Record<string, ReportValue>): HTMLElement | null {
  const entries = Object.entries(values);
  if (!entries.length) return null;
  return el(
    "div",
    {},
    el("h3", {}, title),
    el(
      "table",
      { className: "kv" },
      el("tbody", {}, ...entries.map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, formatValue(v))))),
    ),
  );
}

function artifactsTable(title: string, artifacts: readonly ReportArtifact[]): HTMLElement | null {
  if (!artifacts.length) return null;
  return el(
    "div",
    {},
    el("h3", {}, title),
    el(
      "table",
      { className: "grid", data: { testid: "artifacts" } },
      el("thead", {}, el("tr", {}, el("th", {}, "Name"), el("th", {}, "Handler"), el("th", {}, "File"), el("th", {}, "Size"))),
      el(
        "tbody",
        {},
        ...artifacts.map((a) =>
          el(
            "tr",
            {},
            el("td", {}, a.name),
            el("td", {}, a.handler),
            el("td", {}, a.fname),
            el("td", { className: "num" }, formatBytes(a.size)),
          ),
        ),
      ),
    ),
  );
}
