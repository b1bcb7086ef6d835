import { describe, expect, it } from "vitest";
import { makeColors } from "./colors.js";
import { diffHunks, renderUnifiedDiff } from "./diff.js";

const from = { label: "cfg v0", text: "keep\n\tindented\nevil \u001b[2J old\n" };
const to = { label: "cfg v1", text: "keep\n\tindented\nevil \u001b]0;title\u0007 new\n" };

describe("renderUnifiedDiff", () => {
  it("prints a plain unified diff whose file contents cannot drive the terminal", () => {
    const text = renderUnifiedDiff(from, to, diffHunks(from, to, 3), makeColors(false));
    expect(text).toBe(
      ["--- cfg v0", "+++ cfg v1", "@@ -1,3 +1,3 @@", " keep", " \tindented", "-evil \\e[2J old", "+evil \\e]0;title\\u0007 new", ""].join(
        "\n",
      ),
    );
  });

  it("colours removed and added lines and inverts the changed words", () => {
    const text = renderUnifiedDiff(from, to, diffHunks(from, to, 0), makeColors(true));
    expect(text).toContain("\u001b[7m\u001b[31mold\u001b[39m\u001b[27m");
    expect(text).toContain("\u001b[7m\u001b[32mnew\u001b[39m\u001b[27m");
    // Without its colour sequences it is the plain diff: no raw ESC from the file's contents.
    const plain = renderUnifiedDiff(from, to, diffHunks(from, to, 0), makeColors(false));
    expect(text.replace(/\u001b\[\d+m/g, "")).toBe(plain);
  });

  it("is empty for equal texts", () => {
    expect(renderUnifiedDiff(from, from, diffHunks(from, from, 3), makeColors(true))).toBe("");
  });
});
