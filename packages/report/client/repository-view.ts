/** The repository: versions on a timeline, the versions table with expiries, releases, and the diff between two versions. */
import { structuredPatch } from "diff";
import type { ReportArtifactVersion, ReportRepository } from "../src/report-data.js";
import { timelineOption, type ChartSet } from "./charts.js";
import { el, select } from "./dom.js";
import { formatBytes, timeOf } from "./format.js";

/** The versions chosen for the diff, kept across redraws. */
export interface DiffChoice {
  name: string;
  from: number | null;
  to: number | null;
}

const OMISSIONS: Record<string, string> = {
  binary: "it uses a binary handler",
  "too-large": "the file is too large to embed",
  budget: "the report's text budget was used by newer versions",
  unreadable: "the file could not be read",
};

/** Draws the repository view into `root`. */
export function renderRepository(
  root: HTMLElement,
  repo: ReportRepository,
  charts: ChartSet,
  choice: DiffChoice,
  now: number,
  redraw: () => void,
): void {
  const released = new Map<string, string[]>();
  for (const r of repo.releases)
    for (const [name, version] of r.artifacts)
      released.set(`${name}\u0000${version}`, [...(released.get(`${name}\u0000${version}`) ?? []), r.tag]);

  root.append(
    el(
      "p",
      { className: "muted" },
      `${repo.location} · ${repo.versions.length} versions of ${new Set(repo.versions.map((v) => v.name)).size} artifacts · ${repo.releases.length} releases`,
    ),
  );

  if (repo.versions.length) {
    const box = el("div", { className: "chart wide", data: { testid: "chart", chart: "timeline" } });
    root.append(el("h2", {}, "Timeline"), box);
    queueMicrotask(() => charts.mount(box, timelineOption(repo.versions, repo.releases, now)));
  }

  root.append(
    el("h2", {}, "Versions"),
    el(
      "div",
      { className: "scroll-x" },
      el(
        "table",
        { className: "grid", data: { testid: "versions" } },
        el(
          "thead",
          {},
          el("tr", {}, ...["Artifact", "Version", "Handler", "File", "Created", "Expiry", "Size", "Releases"].map((h) => el("th", {}, h))),
        ),
        el(
          "tbody",
          {},
          ...repo.versions.map((v) => {
            const expired = v.expiry !== null && timeOf(v.expiry) <= now;
            return el(
              "tr",
              { className: expired ? "expired" : "" },
              el("td", {}, v.name),
              el("td", { className: "num" }, v.version),
              el("td", {}, v.handler),
              el("td", {}, v.fname),
              el("td", {}, v.createdAt.replace("T", " ")),
              el("td", {}, v.expiry ? `${v.expiry.replace("T", " ")}${expired ? " (expired)" : ""}` : "—"),
              el("td", { className: "num" }, formatBytes(v.size)),
              el("td", {}, (released.get(`${v.name}\u0000${v.version}`) ?? []).join(", ")),
            );
          }),
        ),
      ),
    ),
  );

  root.append(el("h2", {}, "Releases"));
  if (!repo.releases.length) root.append(el("p", { className: "empty" }, "No releases.json beside the repository."));
  else
    root.append(
      el(
        "ul",
        { className: "releases", data: { testid: "releases" } },
        ...[...repo.releases]
          .reverse()
          .map((r) =>
            el(
              "li",
              {},
              el("strong", {}, r.tag),
              el("span", { className: "muted" }, ` ${r.createdAt.replace("T", " ")} · `),
              r.artifacts.map(([n, v]) => `${n} v${v}`).join(", "),
            ),
          ),
      ),
    );

  renderDiff(root, repo.versions, choice, redraw);
}

function renderDiff(root: HTMLElement, all: readonly ReportArtifactVersion[], choice: DiffChoice, redraw: () => void): void {
  root.append(el("h2", {}, "Diff between versions"));
  const names = [...new Set(all.map((v) => v.name))].sort();
  if (!names.length) return;
  if (!names.includes(choice.name)) choice.name = names.find((n) => all.filter((v) => v.name === n).length > 1) ?? names[0]!;
  const versions = all.filter((v) => v.name === choice.name).sort((a, b) => a.version - b.version);
  if (!versions.some((v) => v.version === choice.from)) choice.from = versions.at(-2)?.version ?? versions[0]!.version;
  if (!versions.some((v) => v.version === choice.to)) choice.to = versions.at(-1)!.version;
  const options = versions.map((v) => ({ value: String(v.version), label: `v${v.version} (${v.createdAt.replace("T", " ")})` }));
  root.append(
    el(
      "div",
      { className: "toolbar" },
      el(
        "label",
        {},
        "Artifact ",
        select(
          names.map((n) => ({ value: n, label: n })),
          choice.name,
          (v) => ((choice.name = v), (choice.from = choice.to = null), redraw()),
          { data: { testid: "diff-artifact" } },
        ),
      ),
      el(
        "label",
        {},
        "from ",
        select(options, String(choice.from), (v) => ((choice.from = Number(v)), redraw()), { data: { testid: "diff-from" } }),
      ),
      el(
        "label",
        {},
        "to ",
        select(options, String(choice.to), (v) => ((choice.to = Number(v)), redraw()), { data: { testid: "diff-to" } }),
      ),
    ),
  );
  const from = versions.find((v) => v.version === choice.from)!;
  const to = versions.find((v) => v.version === choice.to)!;
  const missing = [from, to].find((v) => v.text === null);
  if (missing) {
    root.append(
      el(
        "p",
        { className: "empty" },
        `Version ${missing.version} is not in this report: ${OMISSIONS[missing.textOmitted ?? "unreadable"]}.`,
      ),
    );
    return;
  }
  const patch = structuredPatch(`${from.name} v${from.version}`, `${to.name} v${to.version}`, from.text!, to.text!, undefined, undefined, {
    context: 3,
  });
  const pre = el("pre", { className: "diff", data: { testid: "diff" } });
  pre.append(el("span", { className: "hunk" }, `--- ${patch.oldFileName}\n+++ ${patch.newFileName}\n`));
  if (!patch.hunks.length) pre.append(el("span", { className: "muted" }, "The two versions are identical.\n"));
  for (const h of patch.hunks) {
    pre.append(el("span", { className: "hunk" }, `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@\n`));
    for (const line of h.lines)
      pre.append(el("span", { className: line[0] === "+" ? "add" : line[0] === "-" ? "del" : "ctx" }, `${line}\n`));
  }
  root.append(pre);
}
