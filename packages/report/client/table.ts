/**
 * The experiments table, virtualised: only the rows in view (plus a margin) are
 * in the DOM, between two spacer rows, so 10,000 experiments scroll smoothly.
 */
import type { ReportExperiment } from "../src/report-data.js";
import { clear, el } from "./dom.js";
import { formatValue } from "./format.js";
import type { Column } from "./model.js";

/** Row height in pixels; the stylesheet fixes rows to it. */
export const ROW_HEIGHT = 30;
const OVERSCAN = 10;

/** What the table shows and how it reports back. */
export interface TableView {
  experiments: readonly ReportExperiment[];
  /** Experiment indexes in display order. */
  rows: readonly number[];
  columns: readonly Column[];
  sort: { id: string; descending: boolean } | null;
  selected: ReadonlySet<string>;
  detail: string | null;
  onSort(id: string): void;
  onToggle(slug: string, on: boolean): void;
  onToggleAll(on: boolean): void;
  onOpen(slug: string): void;
}

/** A scrolling table drawing only visible rows. */
export class VirtualTable {
  readonly element: HTMLDivElement;
  #table = el("table", { className: "experiments" });
  #head = el("thead");
  #body = el("tbody");
  #view: TableView | null = null;
  #frame = 0;

  constructor() {
    this.element = el("div", { className: "table-scroll", data: { testid: "experiments-table" } }, this.#table);
    this.#table.append(this.#head, this.#body);
    this.element.addEventListener("scroll", () => {
      cancelAnimationFrame(this.#frame);
      this.#frame = requestAnimationFrame(() => this.#drawRows());
    });
  }

  /** Redraws for a new view (columns, order, selection). */
  update(view: TableView): void {
    this.#view = view;
    this.#drawHead();
    const max = Math.max(0, view.rows.length * ROW_HEIGHT - this.element.clientHeight);
    if (this.element.scrollTop > max) this.element.scrollTop = max;
    this.#drawRows();
  }

  #drawHead(): void {
    const v = this.#view!;
    clear(this.#head);
    const allSelected = v.rows.length > 0 && v.rows.every((i) => v.selected.has(v.experiments[i]!.slug));
    const tr = el(
      "tr",
      {},
      el(
        "th",
        { className: "select" },
        el("input", {
          type: "checkbox",
          checked: allSelected,
          title: "Select every shown experiment",
          aria: { label: "Select every shown experiment" },
          data: { testid: "select-all" },
          on: { change: (e) => v.onToggleAll((e.target as HTMLInputElement).checked) },
        }),
      ),
    );
    for (const c of v.columns) {
      const sorted = v.sort?.id === c.id;
      const arrow = sorted ? (v.sort!.descending ? " ▼" : " ▲") : "";
      tr.append(
        el(
          "th",
          { className: `col-${c.group}`, aria: { sort: sorted ? (v.sort!.descending ? "descending" : "ascending") : "none" } },
          el(
            "button",
            {
              className: "sort",
              type: "button",
              title: `Sort by ${c.label}`,
              data: { testid: "sort", column: c.id },
              on: { click: () => v.onSort(c.id) },
            },
            c.label,
            arrow,
          ),
        ),
      );
    }
    this.#head.append(tr);
  }

  #drawRows(): void {
    const v = this.#view;
    if (!v) return;
    const height = this.element.clientHeight || 600;
    const first = Math.max(0, Math.floor(this.element.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(v.rows.length, first + Math.ceil(height / ROW_HEIGHT) + 2 * OVERSCAN);
    const span = v.columns.length + 1;
    const fragment = document.createDocumentFragment();
    fragment.append(spacer(first * ROW_HEIGHT, span));
    for (let r = first; r < last; r++) fragment.append(this.#row(v, v.experiments[v.rows[r]!]!));
    fragment.append(spacer((v.rows.length - last) * ROW_HEIGHT, span));
    clear(this.#body);
    this.#body.append(fragment);
    if (v.rows.length === 0) this.#body.append(el("tr", {}, el("td", { className: "empty" }, "No experiment matches.")));
  }

  #row(v: TableView, e: ReportExperiment): HTMLTableRowElement {
    const selected = v.selected.has(e.slug);
    const tr = el("tr", {
      className: `${selected ? "selected" : ""}${v.detail === e.slug ? " open" : ""}`,
      data: { testid: "row", slug: e.slug },
    });
    tr.append(
      el(
        "td",
        { className: "select" },
        el("input", {
          type: "checkbox",
          checked: selected,
          aria: { label: `Select ${e.name}` },
          data: { testid: "row-select" },
          on: { change: (ev) => v.onToggle(e.slug, (ev.target as HTMLInputElement).checked) },
        }),
      ),
    );
    for (const c of v.columns) {
      const text = c.text ? c.text(e) : formatValue(c.value(e));
      if (c.id === "name") {
        tr.append(
          el(
            "td",
            { className: "name", title: e.slug },
            el("button", { type: "button", className: "link", data: { testid: "open" }, on: { click: () => v.onOpen(e.slug) } }, text),
          ),
        );
      } else {
        tr.append(el("td", { className: `col-${c.group}`, title: text, data: { column: c.id } }, text));
      }
    }
    return tr;
  }
}

function spacer(height: number, span: number): HTMLTableRowElement {
  const td = el("td");
  td.colSpan = span;
  const tr = el("tr", { className: "spacer", aria: { hidden: "true" } }, td);
  tr.style.height = `${height}px`;
  return tr;
}
