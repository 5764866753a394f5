import { describe, expect, it } from "vitest";
import { dumpConfig, formatDiagnostic, parseConfig } from "./index";

/** Less common statements and the messages drbdadm gives for them. */

const F = "/etc/drbd.conf";
const parse = (text: string) => parseConfig({ [F]: text });
const out = (text: string) => parse(text).diagnostics.map(formatDiagnostic);
const pair = (extra = "") =>
  `on a { device /dev/drbd0; disk /dev/sda1; address 10.0.0.1:7788; meta-disk internal;${extra} }\non b { device /dev/drbd0; disk /dev/sda1; address 10.0.0.2:7788; meta-disk internal; }\n`;

describe("global section", () => {
  it("checks usage-count values and integer ranges", () => {
    expect(out("global {\n usage-count maybe;\n}\n")).toEqual([
      `${F}:2: Parse error: 'yes | no | ask' expected,\n\tbut got 'maybe'`,
    ]);
    expect(out("global {\n minor-count 300;\n}\n")).toEqual([`${F}:2: minor-count 300 => 300 out of range [1..255].`]);
    expect(out("global {\n foo;\n}\n")).toEqual([
      `${F}:2: Parse error: 'dialog-refresh | minor-count | disable-ip-verification' expected,\n\tbut got 'foo'`,
    ]);
  });
  it("warns when it comes after a resource", () => {
    const r = parse(`resource r0 {\n${pair()}}\nglobal { usage-count no; }\n`);
    expect(r.diagnostics.map((d) => [d.severity, formatDiagnostic(d)])).toEqual([
      ["warning", `${F}:5: You should put the global {} section\n\tin front of any resource {} section`],
    ]);
    expect(r.config.global?.usageCount).toBe("no");
  });
});

describe("resource statements", () => {
  it("skips skip blocks at any level", () => {
    const r = parse(`skip resource old { nonsense here; }\nresource r0 {\n skip { whatever { nested } }\n${pair()}}\n`);
    expect(r.diagnostics).toEqual([]);
    expect(r.config.resources.map((x) => x.name)).toEqual(["r0"]);
  });
  it("reports an unterminated skip block", () => {
    expect(out("skip {\n {\n")).toEqual([`${F}:1: reached eof while parsing this skip block.`]);
  });
  it("drops become-primary-on and keeps stacked-timeouts as a flag", () => {
    const r = parse(
      `resource r0 {\n startup { become-primary-on both; stacked-timeouts; wfc-timeout 10; }\n${pair()}}\n`,
    );
    expect(r.diagnostics).toEqual([]);
    expect(dumpConfig(r.config, { hostname: "a" })).toContain(
      "    startup {\n        wfc-timeout       10;\n        stacked-timeouts;\n    }\n",
    );
  });
  it("rejects an unknown startup option with drbdadm's list", () => {
    expect(out(`resource r0 {\n startup {\n  wfc 10;\n }\n}\n`)).toEqual([
      `${F}:3: Parse error: '<an option keyword> | become-primary-on | stacked-timeouts' expected,\n\tbut got 'wfc'`,
    ]);
  });
  it("lists the handler names for an unknown handler", () => {
    expect(out(`resource r0 {\n handlers {\n  splitbrain "/x";\n }\n}\n`)[0]).toBe(
      `${F}:3: Parse error: 'pri-on-incon-degr | pri-lost-after-sb | pri-lost | initial-split-brain | split-brain | outdate-peer | fence-peer | unfence-peer | local-io-error | before-resync-target | after-resync-target | before-resync-source | out-of-sync | quorum-lost | disconnected' expected,\n\tbut got 'splitbrain'`,
    );
  });
  it("refuses fencing inside a volume's disk section but moves it to net at resource level", () => {
    expect(
      parse(`resource r0 {\n disk { fencing resource-only; }\n${pair()}}\n`).config.resources[0]?.net.map(
        (o) => o.name,
      ),
    ).toEqual(["fencing"]);
    expect(out("resource r0 {\n volume 0 {\n  disk {\n   fencing resource-only;\n  }\n }\n}\n")[0]).toContain(
      `${F}:4: Parse error: 'resync-rate | c-plan-ahead`,
    );
  });
  it("checks device names and explicit minors", () => {
    expect(out(`resource r0 {\n${pair().replace("device /dev/drbd0;", "device /dev/sdb;")}}\n`)[0]).toBe(
      `${F}:2: device name must start with /dev/drbd\n\t(/dev/ is optional, but drbd is required)`,
    );
    expect(out(`resource r0 {\n${pair().replace("device /dev/drbd0;", "device /dev/drbd0 minor 1;")}}\n`)[0]).toBe(
      `${F}:2: explicit minor number must match with device name\n\tTry "device /dev/drbd1 minor 1;",\n\tor leave off either device name or explicit minor.\n\tArbitrary device names must start with /dev/drbd_\n\tmind the '_'! (/dev/ is optional, but drbd_ is required)`,
    );
  });
  it("refuses host sections in common and empty connections", () => {
    expect(out("common {\n on a { }\n}\n")).toEqual([
      `${F}:2: in the common section, there are no host sections allowed.`,
    ]);
    expect(out(`resource r0 {\n${pair()} connection {\n }\n}\n`)[0]).toBe(
      `${F}:4: connection without a single path (maybe empty?) not allowed`,
    );
  });
  it("needs the same volumes on every host and no mixing of implicit and explicit volumes", () => {
    const text =
      "resource r0 {\n on a { volume 0 { device minor 0; disk /dev/sda1; } volume 1 { device minor 1; disk /dev/sdb1; } address 10.0.0.1:7788; node-id 0; }\n on b { volume 0 { device minor 0; disk /dev/sda1; } address 10.0.0.2:7788; node-id 1; }\n}\n";
    expect(out(text)).toEqual([`${F}:1: in resource r0, on a { ... }: volume 1 not defined on b`]);
    expect(
      out(
        "resource r0 {\n device minor 0;\n volume 1 { device minor 1; }\n on a { address 10.0.0.1:7788; }\n on b { address 10.0.0.2:7788; }\n}\n",
      ),
    ).toEqual([`${F}:1: in resource r0: you must not mix implicit and explicit volumes`]);
  });
  it("flags a bare non-boolean option for the editor without a drbdadm message", () => {
    const r = parse(`resource r0 {\n net { max-buffers; }\n${pair()}}\n`);
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.line])).toEqual([["warning", "bare-non-boolean", 2]]);
  });
  it("accepts floating sections, ipv6 and explicit paths", () => {
    const text =
      "resource r0 {\n device minor 0; disk /dev/sda1; meta-disk internal;\n floating 10.0.0.1:7788 { node-id 0; }\n floating 10.0.0.2:7788 { node-id 1; }\n}\nresource r1 {\n device minor 1; disk /dev/sdb1;\n on a { node-id 0; address ipv6 [fd00::1]:7789; }\n on b { node-id 1; address ipv6 [fd00::2]:7789; }\n connection { path { host a address ipv6 [fd00::1]:7790; host b address ipv6 [fd00::2]:7790; } }\n}\n";
    expect(out(text)).toEqual([]);
  });
  it("ignores a glob that matches nothing but not a missing literal file", () => {
    expect(parseConfig({ [F]: 'include "/etc/drbd.d/*.res";\n' }).diagnostics).toEqual([]);
  });
  it("reports a mistake in an included file with that file's name", () => {
    const r = parseConfig({
      [F]: 'include "drbd.d/*.res";\n',
      "/etc/drbd.d/r0.res": "resource r0 {\n  protocol X;\n}\n",
    });
    expect(r.diagnostics[0]).toMatchObject({ file: "/etc/drbd.d/r0.res", line: 2, code: "value-not-valid" });
  });
});

describe("sections unique per resource (check_upr)", () => {
  it("refuses two net sections and two protocol statements", () => {
    expect(out("resource r0 {\n net { }\n net { }\n}\n")).toEqual([
      `${F}:3: conflicting use of net section 'r0:net' ...\n${F}:2: net section 'r0:net' first used here.`,
    ]);
    expect(out("resource r0 {\n protocol A;\n protocol C;\n}\n")[0]).toBe(
      `${F}:3: conflicting use of protocol statement 'r0: protocol' ...\n${F}:2: protocol statement 'r0: protocol' first used here.`,
    );
    expect(out("resource r0 {\n on a { node-id 0; }\n on b { node-id 0; }\n}\n")[0]).toBe(
      `${F}:3: conflicting use of node-id 'r0:0' ...\n${F}:2: node-id 'r0:0' first used here.`,
    );
  });
});
