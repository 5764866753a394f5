import { describe, expect, it } from "vitest";
import { tokenize, unescapeQuoted } from "./lexer";
import { TK } from "./tokens";
import { strtollUnit } from "./units";

const kinds = (text: string) => tokenize(text).map((t) => [t.tk, t.text]);

describe("lexer (flex longest match, rule order on ties)", () => {
  it("numbers the tokens like drbdadm_parser.h", () => {
    expect(TK.GLOBAL).toBe(258);
    expect(TK.STRING).toBe(281);
    expect(TK.INTEGER).toBe(280);
    expect(TK.IPADDR).toBe(279);
  });
  it("tells keywords from words that merely start with one", () => {
    expect(kinds("on one no no-disk-flushes net network")).toEqual([
      [TK.ON, "on"],
      [TK.STRING, "one"],
      [TK.NO, "no"],
      [TK.STRING, "no-disk-flushes"],
      [TK.NET, "net"],
      [TK.STRING, "network"],
      [0, ""],
    ]);
  });
  it("scans addresses, numbers with units and versions", () => {
    expect(kinds("172.28.0.11:7788 40M 512k 123456789 9.2.1")).toEqual([
      [TK.IPADDR, "172.28.0.11"],
      [58, ":"],
      [TK.INTEGER, "7788"],
      [TK.INTEGER, "40M"],
      // lower-case k is not part of {NUM}: the word rule wins
      [TK.STRING, "512k"],
      [TK.STRING, "123456789"],
      [TK.KMODVERS, "9.2.1"],
      [0, ""],
    ]);
    expect(kinds("ipv6 [fd00::1]:7789").map((k) => k[0])).toEqual([TK.IPV6, 91, TK.IPADDR6, 93, 58, TK.INTEGER, 0]);
  });
  it("unescapes double-quoted strings and flags errors", () => {
    const [s] = tokenize('"/x.sh \\"a\\" b"');
    expect(s).toMatchObject({ tk: TK.STRING, text: '/x.sh "a" b', quoted: true });
    expect(unescapeQuoted('"a\\\\b"')).toBe("a\\b");
    expect(tokenize('"open\nx')[0]?.tk).toBe(TK.ERR_DQSTRING);
    expect(tokenize("a".repeat(129))[0]?.tk).toBe(TK.ERR_STRING_TOO_LONG);
    expect(tokenize(`"${"a".repeat(300)}"`)[0]?.tk).toBe(TK.ERR_DQSTRING_TOO_LONG);
    expect(tokenize("=")[0]).toMatchObject({ tk: TK.ELSE, text: "=" });
  });
  it("counts lines like flex, skipping comments", () => {
    const t = tokenize("# comment ; {\nresource r0 { # x\n\n  net;\n}");
    expect(t.map((x) => [x.text, x.line])).toEqual([
      ["resource", 2],
      ["r0", 2],
      ["{", 2],
      ["net", 4],
      [";", 4],
      ["}", 5],
      ["", 5],
    ]);
    // an unterminated string swallows its newline without counting it
    expect(tokenize('"a\nb').map((x) => x.line)).toEqual([1, 1, 1]);
  });
});

describe("numbers with units (new_strtoll)", () => {
  const v = (s: string, scale: "1" | "k" | "s") => {
    const r = strtollUnit(s, scale);
    return r.ok ? Number(r.value) : r.error;
  };
  it("converts to the option's default unit", () => {
    expect(v("512k", "1")).toBe(524288);
    expect(v("40M", "k")).toBe(40960);
    expect(v("1G", "k")).toBe(1048576);
    expect(v("250", "k")).toBe(250);
    expect(v("1M", "s")).toBe(2048);
    expect(v("3s", "k")).toBe(2); // rounds up
    expect(v("100", "s")).toBe(100);
  });
  it('rejects what sscanf("%llu%c%c") rejects', () => {
    expect(v("10X", "k")).toBe("not-a-number");
    expect(v("10MB", "1")).toBe("not-a-number");
    expect(v("abc", "1")).toBe("not-a-number");
    expect(v("", "1")).toBe("not-a-number");
    expect(v("99999999999999999999G", "1")).toBe("not-a-number");
  });
  it("wraps negative numbers like strtoull", () => {
    expect(v("-1", "1")).toBe(2 ** 64 - 1);
  });
});
