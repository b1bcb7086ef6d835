/**
 * DOM building for untrusted data: every string becomes a text node, and only
 * a fixed set of properties can be set. Nothing here parses HTML.
 */

/** Properties {@link el} may set; values are assigned as DOM properties, never as markup. */
export interface ElementProps {
  className?: string;
  title?: string;
  id?: string;
  type?: string;
  value?: string;
  checked?: boolean;
  disabled?: boolean;
  placeholder?: string;
  role?: string;
  /** `data-*` attributes. */
  data?: Record<string, string>;
  /** `aria-*` attributes. */
  aria?: Record<string, string>;
  /** Event listeners. */
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
}

/** A child: a node, text (added as a text node), or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Creates an element with properties and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.title !== undefined) node.title = props.title;
  if (props.id) node.id = props.id;
  if (props.role) node.setAttribute("role", props.role);
  const input = node as unknown as HTMLInputElement;
  if (props.type !== undefined) input.type = props.type;
  if (props.value !== undefined) input.value = props.value;
  if (props.checked !== undefined) input.checked = props.checked;
  if (props.disabled !== undefined) input.disabled = props.disabled;
  if (props.placeholder !== undefined) input.placeholder = props.placeholder;
  for (const [k, v] of Object.entries(props.data ?? {})) node.dataset[k] = v;
  for (const [k, v] of Object.entries(props.aria ?? {})) node.setAttribute(`aria-${k}`, v);
  for (const [type, listener] of Object.entries(props.on ?? {})) node.addEventListener(type, listener as EventListener);
  append(node, ...children);
  return node;
}

/** Appends children, strings as text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
}

/** Removes every child. */
export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** A `<select>` of options; values and labels are text. */
export function select(
  options: ReadonlyArray<{ value: string; label: string }>,
  value: string,
  onChange: (value: string) => void,
  props: ElementProps = {},
): HTMLSelectElement {
  const node = el("select", { ...props, on: { change: () => onChange(node.value) } });
  for (const o of options) {
    const option = el("option", {}, o.label);
    option.value = o.value;
    node.appendChild(option);
  }
  node.value = value;
  return node;
}
