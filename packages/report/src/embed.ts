/** Safe embedding of untrusted data in an HTML page. */

const HTML_UNSAFE_IN_SCRIPT = /[<>&\u2028\u2029]/g;
const ESCAPES: Record<string, string> = { "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029" };

/**
 * JSON text that can sit inside `<script type="application/json">`: `<`, `>` and
 * `&` are written as `\u003c` escapes (so no `</script>` or `<!--` can close or
 * confuse the element), as are U+2028/U+2029. `JSON.parse` gives the value back.
 */
export function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value).replace(HTML_UNSAFE_IN_SCRIPT, (c) => ESCAPES[c]!);
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text escaped for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
