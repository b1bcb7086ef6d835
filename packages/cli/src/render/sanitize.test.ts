import { describe, expect, it } from "vitest";
import { terminalSafe } from "./sanitize.js";
import { displayValue } from "./values.js";

describe("terminalSafe", () => {
  it("shows every control, C1 and bidi-override character as a visible escape", () => {
    expect(terminalSafe("a\u001b[2Jb\r\nc\td\u0007e\u009b1mf\u202eg\u0000")).toBe("a\\e[2Jb\\r\\nc\\td\\u0007e\\u009b1mf\\u202eg\\u0000");
    expect(terminalSafe("Ünïcødé stays")).toBe("Ünïcødé stays");
  });

  it("is applied to values shown in tables", () => {
    expect(displayValue("x\u001b]0;t\u0007")).toBe("x\\e]0;t\\u0007");
    expect(displayValue({ k: "\u001b" })).toBe('{"k":"\\u001b"}');
    expect(displayValue(0.123456789)).toBe("0.123457");
    expect(displayValue(Number.NaN)).toBe("NaN");
    expect(displayValue(10n ** 20n)).toBe("100000000000000000000");
  });
});
