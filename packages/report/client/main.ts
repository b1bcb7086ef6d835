/**
 * The report page: reads the embedded data (and, in the live viewer, polls for
 * new data), and draws the experiments table, the comparison and the repository.
 */
import type { LivePageConfig, ReportData, ReportExperiment } from "../src/report-data.js";
import { ChartSet } from "./charts.js";
import { renderCompare, type ScatterChoice } from "./compare-view.js";
import { experimentDetails } from "./details.js";
import { clear, el, select } from "./dom.js";
import {
  columnsFor,
  constantColumns,
  DEFAULT_DATA_COLUMNS,
  DEFAULT_FIXED,
  filterIndexes,
  searchText,
  sortIndexes,
  tagsOf,
  type Column,
} from "./model.js";
import { renderRepository, type DiffChoice } from "./repository-view.js";
import { VirtualTable } from "./table.js";

type Tab = "experiments" | "compare" | "repository";

/** Experiments selected when the page opens: the newest few, so the comparison shows something. */
const INITIAL_SELECTION = 5;

function readJson<T>(id: string): T | null {
  const node = document.getElementById(id);
  return node?.textContent ? (JSON.parse(node.textContent) as T) : null;
}

class App {
  #data!: ReportData;
  #experiments: readonly ReportExperiment[] = [];
  #haystacks: string[] = [];
  #columns: Column[] = [];
  #visible = new Set<string>();
  #known = new Set<string>();
  #query = "";
  #tag = "";
  #onlyDiffers = false;
  #sort: { id: string; descending: boolean } | null = null;
  #selected = new Set<string>();
  #detail: string | null = null;
  #tab: Tab = "experiments";
  #scatter: ScatterChoice = { x: "", y: "" };
  #diff: DiffChoice = { name: "", from: null, to: null };
  #charts = new ChartSet();
  #table = new VirtualTable();
  #root: HTMLElement;
  #status = el("span", { className: "status", data: { testid: "live-status" } });
  #main = el("main");
  #toolbar = el("div", { className: "toolbar" });
  #detailPane = el("aside", { className: "detail-pane" });
  #count = el("span", { className: "muted", data: { testid: "row-count" } });

  constructor(root: HTMLElement, data: ReportData) {
    this.#root = root;
    this.setData(data, true);
    window.addEventListener("resize", () => this.#charts.resize());
  }

  /** Replaces the data, keeping the view state (filters, sort, selection) where it still applies. */
  setData(data: ReportData, first = false): void {
    this.#data = data;
    this.#experiments = data.project.experiments;
    this.#haystacks = this.#experiments.map(searchText);
    this.#columns = columnsFor(this.#experiments);
    let dataColumns = [...this.#visible].filter((id) => id.includes(":")).length;
    for (const c of this.#columns) {
      if (this.#known.has(c.id)) continue;
      this.#known.add(c.id);
      if (c.group === "experiment" ? DEFAULT_FIXED.has(c.id) : dataColumns++ < DEFAULT_DATA_COLUMNS) this.#visible.add(c.id);
    }
    const slugs = new Set(this.#experiments.map((e) => e.slug));
    if (first) for (const e of this.#experiments.slice(-INITIAL_SELECTION)) this.#selected.add(e.slug);
    this.#selected = new Set([...this.#selected].filter((s) => slugs.has(s)));
    if (this.#detail === null || !slugs.has(this.#detail)) this.#detail = this.#experiments.at(-1)?.slug ?? null;
    if (!data.repository && this.#tab === "repository") this.#tab = "experiments";
    document.title = `${data.title} · lazyscribe`;
    // A live update redraws the page: give the focus (and the caret) back to the control that had it.
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const testid = focused?.dataset.testid;
    const caret = focused instanceof HTMLInputElement && focused.type === "search" ? focused.selectionStart : null;
    this.#layout();
    const again = testid ? this.#root.querySelector<HTMLElement>(`[data-testid="${testid}"]`) : null;
    if (again && testid !== "row-select" && testid !== "open") {
      again.focus();
      if (again instanceof HTMLInputElement && caret !== null) again.setSelectionRange(caret, caret);
    }
  }

  /** Shows the live viewer's state. */
  status(text: string, error = false): void {
    this.#status.textContent = text;
    this.#status.className = error ? "status error" : "status";
  }

  #layout(): void {
    clear(this.#root);
    const tabs: Array<[Tab, string]> = [
      ["experiments", `Experiments (${this.#experiments.length})`],
      ["compare", `Compare (${this.#selected.size})`],
    ];
    if (this.#data.repository) tabs.push(["repository", "Repository"]);
    // The title defaults to the location: do not say it twice.
    const where = this.#data.project.location === this.#data.title ? "" : `${this.#data.project.location} · `;
    this.#root.append(
      el(
        "header",
        {},
        el(
          "div",
          { className: "title" },
          el("h1", {}, this.#data.title),
          el("span", { className: "muted" }, `${where}read ${this.#data.generatedAt.replace("T", " ").slice(0, 19)} UTC`),
        ),
        this.#status,
      ),
      el(
        "nav",
        { role: "tablist" },
        ...tabs.map(([id, label]) =>
          el(
            "button",
            {
              type: "button",
              role: "tab",
              className: id === this.#tab ? "tab active" : "tab",
              aria: { selected: String(id === this.#tab) },
              data: { testid: `tab-${id}` },
              on: { click: () => this.#show(id) },
            },
            label,
          ),
        ),
      ),
      this.#main,
    );
    this.#render();
  }

  #show(tab: Tab): void {
    this.#tab = tab;
    this.#layout();
  }

  #render(): void {
    this.#charts.dispose();
    clear(this.#main);
    this.#main.className = `view-${this.#tab}`;
    if (this.#tab === "experiments") this.#renderExperiments();
    else if (this.#tab === "compare")
      renderCompare(this.#main, this.#selectedExperiments(), this.#charts, this.#scatter, () => this.#render());
    else if (this.#data.repository)
      renderRepository(this.#main, this.#data.repository, this.#charts, this.#diff, Date.now(), () => this.#render());
  }

  #selectedExperiments(): ReportExperiment[] {
    return this.#experiments.filter((e) => this.#selected.has(e.slug));
  }

  #renderExperiments(): void {
    clear(this.#toolbar);
    const tags = tagsOf(this.#experiments);
    const search = el("input", {
      type: "search",
      placeholder: "Filter by name, author, tag, parameter=value…",
      value: this.#query,
      aria: { label: "Filter experiments" },
      data: { testid: "filter" },
      on: { input: () => ((this.#query = search.value), this.#refreshTable()) },
    });
    this.#toolbar.append(
      search,
      el(
        "label",
        {},
        "Tag ",
        select(
          [{ value: "", label: "any" }, ...tags.map((t) => ({ value: t, label: t }))],
          this.#tag,
          (v) => ((this.#tag = v), this.#refreshTable()),
          { data: { testid: "tag-filter" } },
        ),
      ),
      el(
        "label",
        {
          title:
            "Hide parameter and metric columns whose value is the same in every selected experiment (or every shown one when fewer than two are selected)",
        },
        el("input", {
          type: "checkbox",
          checked: this.#onlyDiffers,
          data: { testid: "only-differs" },
          on: { change: (e) => ((this.#onlyDiffers = (e.target as HTMLInputElement).checked), this.#refreshTable()) },
        }),
        " Only what differs",
      ),
      this.#columnChooser(),
      el(
        "button",
        { type: "button", data: { testid: "clear-selection" }, on: { click: () => (this.#selected.clear(), this.#refreshTable()) } },
        "Clear selection",
      ),
      this.#count,
    );
    this.#main.append(this.#toolbar, el("div", { className: "split" }, this.#table.element, this.#detailPane));
    this.#refreshTable();
    this.#renderDetail();
    if (!performance.getEntriesByName("lazyscribe:table-visible").length) {
      requestAnimationFrame(() => {
        performance.mark("lazyscribe:table-visible");
        document.documentElement.dataset.ready = "true";
      });
    }
  }

  #columnChooser(): HTMLElement {
    const groups: Array<[Column["group"], string]> = [
      ["experiment", "Experiment"],
      ["parameter", "Parameters"],
      ["metric", "Metrics"],
    ];
    return el(
      "details",
      { className: "chooser", data: { testid: "column-chooser" } },
      el("summary", {}, "Columns"),
      el(
        "div",
        { className: "chooser-body" },
        ...groups.map(([group, title]) => {
          const cols = this.#columns.filter((c) => c.group === group && c.id !== "name");
          if (!cols.length) return null;
          return el(
            "fieldset",
            {},
            el("legend", {}, title),
            ...cols.map((c) =>
              el(
                "label",
                {},
                el("input", {
                  type: "checkbox",
                  checked: this.#visible.has(c.id),
                  data: { testid: "column-toggle", column: c.id },
                  on: {
                    change: (e) => {
                      if ((e.target as HTMLInputElement).checked) this.#visible.add(c.id);
                      else this.#visible.delete(c.id);
                      this.#refreshTable();
                    },
                  },
                }),
                ` ${c.label}`,
              ),
            ),
          );
        }),
      ),
    );
  }

  #refreshTable(): void {
    const filtered = filterIndexes(this.#experiments, this.#haystacks, this.#query, this.#tag);
    const sortColumn = this.#columns.find((c) => c.id === this.#sort?.id);
    const rows = sortIndexes(filtered, this.#experiments, sortColumn, this.#sort?.descending ?? false);
    const selectedIndexes = this.#experiments.flatMap((e, i) => (this.#selected.has(e.slug) ? [i] : []));
    const hidden = this.#onlyDiffers
      ? constantColumns(this.#columns, this.#experiments, selectedIndexes.length >= 2 ? selectedIndexes : filtered)
      : new Set<string>();
    const columns = this.#columns.filter((c) => c.id === "name" || (this.#visible.has(c.id) && !hidden.has(c.id)));
    this.#count.textContent = `${rows.length} of ${this.#experiments.length} shown · ${this.#selected.size} selected`;
    this.#table.update({
      experiments: this.#experiments,
      rows,
      columns,
      sort: this.#sort,
      selected: this.#selected,
      detail: this.#detail,
      onSort: (id) => {
        this.#sort = this.#sort?.id === id ? { id, descending: !this.#sort.descending } : { id, descending: false };
        this.#refreshTable();
      },
      onToggle: (slug, on) => {
        if (on) this.#selected.add(slug);
        else this.#selected.delete(slug);
        this.#refreshTabs();
        this.#refreshTable();
      },
      onToggleAll: (on) => {
        for (const i of rows) {
          const slug = this.#experiments[i]!.slug;
          if (on) this.#selected.add(slug);
          else this.#selected.delete(slug);
        }
        this.#refreshTabs();
        this.#refreshTable();
      },
      onOpen: (slug) => {
        this.#detail = slug;
        this.#refreshTable();
        this.#renderDetail();
      },
    });
  }

  #refreshTabs(): void {
    const tab = this.#root.querySelector<HTMLElement>('[data-testid="tab-compare"]');
    if (tab) tab.textContent = `Compare (${this.#selected.size})`;
  }

  #renderDetail(): void {
    clear(this.#detailPane);
    const e = this.#experiments.find((x) => x.slug === this.#detail);
    this.#detailPane.append(e ? experimentDetails(e) : el("p", { className: "empty" }, "This project has no experiments."));
  }
}

function startLive(app: App, config: LivePageConfig): void {
  let token = config.token;
  let busy = false;
  app.status("Live");
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const res = await fetch(config.versionUrl, { cache: "no-store" });
      const state = (await res.json()) as { token: string; error: string | null };
      if (state.token !== token) {
        const data = (await (await fetch(config.dataUrl, { cache: "no-store" })).json()) as ReportData;
        token = state.token;
        app.setData(data);
      }
      if (state.error) app.status(`Live · last check failed: ${state.error}`, true);
      else app.status(`Live · checked ${new Date().toLocaleTimeString()}`);
    } catch {
      app.status("Live · the viewer is not answering", true);
    } finally {
      busy = false;
    }
  };
  setInterval(() => void tick(), config.intervalMs);
}

const root = document.getElementById("app");
const data = readJson<ReportData>("lazyscribe-data");
if (root && data) {
  const app = new App(root, data);
  const live = readJson<LivePageConfig>("lazyscribe-live");
  if (live) startLive(app, live);
}
