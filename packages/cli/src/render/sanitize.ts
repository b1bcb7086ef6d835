/**
 * Terminal safety for text that came from a store. Experiment names, tags, artifact names and
 * error messages quoting them are untrusted: a name holding ESC sequences could recolour, move the
 * cursor or retitle the terminal, and a newline could forge table rows. Every such string goes
 * through {@link terminalSafe} before it reaches a human-readable output.
 */

// C0 controls (tab and newline included), DEL, C1 controls (0x9b is a one-byte CSI on some terminals),
// and the bidirectional overrides that can visually reorder a line.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\u001b": "\\e" };

/**
 * `text` with every control or bidi-override character replaced by a visible escape (`\n`, `\e`,
 * `\u009b`). `keepTabs` leaves tabs alone, for file contents shown line by line (a tab cannot
 * move the cursor anywhere harmful; in table cells it would break the alignment, so it is escaped).
 */
export function terminalSafe(text: string, { keepTabs = false }: { keepTabs?: boolean } = {}): string {
  return text.replace(UNSAFE, (ch) =>
    keepTabs && ch === "\t" ? ch : (NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`),
  );
}
