import { describe, expect, it } from "vitest";
import { alignedTable, reportNotice, statementOutput } from "./format";
import { splitStatements } from "./sql-split";

describe("psql output", () => {
  it("aligns text left and numbers right, centres headers, counts rows", () => {
    const r = {
      fields: [
        { name: "id", dataTypeID: 23 },
        { name: "data", dataTypeID: 25 },
      ],
      rows: [
        ["1", "Record 1"],
        ["10", "x"],
      ],
    };
    expect(alignedTable(r)).toBe(" id |   data   \n----+----------\n  1 | Record 1\n 10 | x\n(2 rows)\n\n");
    expect(alignedTable({ fields: [{ name: "n", dataTypeID: 20 }], rows: [["5"]] })).toBe(" n \n---\n 5\n(1 row)\n\n");
    expect(statementOutput({ rows: [], tag: "INSERT 0 1000" }, { tuples: false, unaligned: false })).toBe(
      "INSERT 0 1000\n",
    );
    expect(statementOutput(r, { tuples: true, unaligned: true })).toBe("1|Record 1\n10|x\n");
  });

  it("points at the error position on its line", () => {
    const sql = "SELECT 1;\nSELECT * FROM nope;";
    expect(reportNotice({ severity: "ERROR", message: 'relation "nope" does not exist', position: 25 }, sql)).toBe(
      'ERROR:  relation "nope" does not exist\nLINE 2: SELECT * FROM nope;\n                      ^\n',
    );
    expect(reportNotice({ severity: "ERROR", message: "x", hint: "h" })).toBe("ERROR:  x\nHINT:  h\n");
  });

  it("splits a script like psql: quotes, dollar quotes, comments and backslash commands", () => {
    expect(splitStatements("BEGIN;\nINSERT INTO t VALUES ('a;b');\n-- c;\n\\dt\nSELECT $$x;y$$;")).toEqual([
      "BEGIN;",
      "INSERT INTO t VALUES ('a;b');",
      "\\dt",
      "SELECT $$x;y$$;",
    ]);
    expect(splitStatements("SELECT 1")).toEqual(["SELECT 1"]);
  });
});
