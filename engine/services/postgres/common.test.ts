import { describe, expect, it } from "vitest";
import { getopt } from "./common";

const WITH = { "-c": "c", "-d": "d", "--command": "c" };
const FLAGS = { "-t": "t", "-A": "A", "-q": "q" };

describe("getopt (psql, createdb, pg_ctl options)", () => {
  it("takes a value option at the end of a bundle from the next argument (psql -tAc SQL)", () => {
    const g = getopt(["-tAc", "SELECT 1", "testdb"], WITH, FLAGS);
    expect(g.opts).toEqual({ t: "1", A: "1", c: "SELECT 1" });
    expect(g.rest).toEqual(["testdb"]);
  });

  it("keeps every value of a repeated option in order (psql -c A -c B)", () => {
    expect(getopt(["-c", "A", "--command=B", "-cC"], WITH, FLAGS).all.c).toEqual(["A", "B", "C"]);
  });

  it("takes the rest of the bundle as the value (psql -tdtestdb)", () => {
    expect(getopt(["-tdtestdb"], WITH, FLAGS).opts).toEqual({ t: "1", d: "testdb" });
  });

  it("rejects an unknown letter in a bundle and a value option without its value", () => {
    expect(getopt(["-tx"], WITH, FLAGS).error).toBe("invalid option -- 'x'");
    expect(getopt(["-tc"], WITH, FLAGS).error).toBe("option requires an argument -- 'c'");
    expect(getopt(["--command"], WITH, FLAGS).error).toBe("option '--command' requires an argument");
  });
});
