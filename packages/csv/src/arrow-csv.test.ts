/** pyarrow 25 outputs recorded from `pyarrow.csv.write_csv` / `read_csv` (the interop suite compares with live Python). */
import { describe, expect, it } from "vitest";
import { getHandler, PyFloat } from "@lazyscribe/core";
import { arrowDouble, readArrowCsv, tableRecords, writeArrowCsv } from "./index.js";

describe("writeArrowCsv", () => {
  it("formats doubles as Arrow does", () => {
    const values = [1, 100, 1e15, 1e16, 1e21, 123456.789, 0.0001, 1e-5, 1e-6, 1e-7, -0, 1.5e300, 5e-324, Infinity, -Infinity, NaN, 2 ** 53];
    expect(values.map(arrowDouble).join(" ")).toBe(
      "1 100 1e+15 1e+16 1e+21 123456.789 0.0001 0.00001 0.000001 1e-7 -0 1.5e+300 5e-324 inf -inf nan 9.007199254740992e+15",
    );
  });

  it("quotes the header and strings, leaves nulls empty", () => {
    const text = writeArrowCsv({
      columns: ["i", "s", "b"],
      rows: [
        [1, "x", true],
        [-2, "", null],
        [4611686018427387904n, null, false],
        [null, "multi\nline", true],
      ],
    });
    expect(text).toBe('"i","s","b"\n1,"x",true\n-2,"",\n4611686018427387904,,false\n,"multi\nline",true\n');
    expect(writeArrowCsv([{ f: new PyFloat(1) }, { f: 2.5 }])).toBe('"f"\n1\n2.5\n');
  });

  it("reads row objects by own keys only (a missing constructor or __proto__ column is null)", () => {
    const rows = [JSON.parse('{"__proto__": 1, "constructor": 2}') as object, { x: 3 }];
    expect(writeArrowCsv(rows)).toBe('"__proto__","constructor","x"\n1,2,\n,,3\n');
  });

  it("refuses mixed columns", () => {
    expect(() => writeArrowCsv([{ a: 1 }, { a: "x" }])).toThrow(/mixes/);
  });
});

describe("readArrowCsv", () => {
  it("infers null, int64, bool, double and string columns with Arrow's null tokens", () => {
    const table = readArrowCsv('"s","b","f","n","m"\n"x",True,1.5,NULL,+5\n"",FALSE,nan,,-3\n,true,inf,,7\n"NULL",0,-inf,,1\n');
    expect(table.types).toEqual(["string", "bool", "double", "null", "double"]);
    expect(tableRecords(table)).toEqual([
      { s: "x", b: true, f: 1.5, n: null, m: 5 },
      { s: "", b: false, f: null, n: null, m: -3 },
      { s: "", b: true, f: Infinity, n: null, m: 7 },
      { s: "NULL", b: false, f: -Infinity, n: null, m: 1 },
    ]);
  });

  it("is registered as the csv handler", () => {
    expect(getHandler("csv").binary).toBe(true);
  });
});
