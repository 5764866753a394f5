import { describe, expect, it } from "vitest";
import { completionItems, configVocabulary, sectionAt } from "./editor";
import { expandInclude, resolveIncludePath } from "./include";
import { DEFAULT_CONFIG_FILES, parseConfig } from "./index";

describe("sectionAt", () => {
  const text =
    "resource r0 {\n  net {\n    protocol C;\n  }\n  on node1 {\n    volume 0 {\n      disk /dev/sda1;\n    }\n  }\n}\n";
  const at = (needle: string) => sectionAt(text, text.indexOf(needle));
  it("gives the enclosing sections, outermost first", () => {
    expect(at("protocol")).toEqual(["resource r0", "net"]);
    expect(at("disk /dev")).toEqual(["resource r0", "on node1", "volume 0"]);
    expect(at("on node1")).toEqual(["resource r0"]);
    expect(sectionAt(text, 0)).toEqual([]);
    expect(sectionAt(text, text.length)).toEqual([]);
  });
  it("ignores braces in comments and strings", () => {
    const t = 'common { # {\n handlers { split-brain "{"; ';
    expect(sectionAt(t, t.length)).toEqual(["common", "handlers"]);
  });
});

describe("completionItems", () => {
  const labels = (path: string[]) => completionItems(path).map((i) => i.label);
  it("offers the options of the section from the table", () => {
    expect(labels(["resource r0", "net"])).toEqual(
      expect.arrayContaining(["protocol", "max-buffers", "after-sb-0pri", "allow-two-primaries"]),
    );
    expect(labels(["resource r0", "net"])).not.toContain("resync-rate");
    expect(labels(["common", "disk"])).toEqual(
      expect.arrayContaining(["on-io-error", "resync-rate", "c-max-rate", "al-extents"]),
    );
    expect(labels(["common", "handlers"])).toContain("split-brain");
    expect(labels(["resource r0", "on node1"])).toEqual(
      expect.arrayContaining(["address", "node-id", "device", "disk", "meta-disk"]),
    );
    expect(labels(["resource r0"])).toEqual(
      expect.arrayContaining(["on", "net", "disk", "connection-mesh", "protocol"]),
    );
    expect(labels([])).toEqual(["global", "common", "resource", "include", "skip"]);
    expect(labels(["resource r0", "connection", "volume 0"])).toEqual(["disk"]);
    expect(labels(["resource r0", "connection", "disk"])).not.toContain("on-io-error");
  });
  it("offers enum values and explains them in French", () => {
    expect(labels(["resource r0", "net", "after-sb-1pri"])).toEqual([
      "disconnect",
      "consensus",
      "discard-secondary",
      "call-pri-lost-after-sb",
      "violently-as0p",
    ]);
    expect(labels(["resource r0", "net", "allow-two-primaries"])).toEqual(["yes", "no"]);
    const p = completionItems(["resource r0", "net"]).find((i) => i.label === "protocol");
    expect(p).toMatchObject({ kind: "option", detail: "A | B | C (défaut C)" });
    expect(p?.documentationFr).toContain("synchrone");
    const mb = completionItems(["resource r0", "net"]).find((i) => i.label === "max-buffers");
    expect(mb?.detail).toBe("nombre 32…131072 en pages, défaut 2048");
  });
});

describe("include globs", () => {
  const files = [
    "/etc/drbd.d/global_common.conf",
    "/etc/drbd.d/r1.res",
    "/etc/drbd.d/r0.res",
    "/etc/drbd.d/.hidden.res",
    "/etc/drbd.d/sub/x.res",
    "/etc/drbd.d/r0.res.bak",
  ];
  it("matches * and ? within one directory, sorted, without dot files", () => {
    expect(expandInclude("/etc/drbd.d/*.res", files)).toEqual(["/etc/drbd.d/r0.res", "/etc/drbd.d/r1.res"]);
    expect(expandInclude("/etc/drbd.d/r?.res", files)).toEqual(["/etc/drbd.d/r0.res", "/etc/drbd.d/r1.res"]);
    expect(expandInclude("/etc/drbd.d/r[1].res", files)).toEqual(["/etc/drbd.d/r1.res"]);
    expect(expandInclude("/etc/drbd.d/none.res", files)).toEqual([]);
  });
  it("resolves relative includes against the including file", () => {
    expect(resolveIncludePath("drbd.d/*.res", "/etc/drbd.conf")).toBe("/etc/drbd.d/*.res");
    expect(resolveIncludePath("../x.conf", "/etc/drbd.d/a.res")).toBe("/etc/x.conf");
  });
  it("uses the default /etc/drbd.conf when the node has none, and reads each file once", () => {
    const files2 = { ...DEFAULT_CONFIG_FILES };
    delete (files2 as Record<string, string>)["/etc/drbd.conf"];
    const { config, diagnostics } = parseConfig({
      ...files2,
      "/etc/drbd.d/again.res": 'include "/etc/drbd.d/r0.res";\n',
    });
    expect(diagnostics).toEqual([]);
    expect(config.files).toEqual([
      "/etc/drbd.conf",
      "/etc/drbd.d/global_common.conf",
      "/etc/drbd.d/again.res",
      "/etc/drbd.d/r0.res",
    ]);
    expect(config.resources.map((r) => r.name)).toEqual(["r0"]);
  });
});

describe("configVocabulary: the words the editor colours", () => {
  const v = configVocabulary();
  it("sorts sections, option keywords and values apart", () => {
    expect(v.sections).toEqual(expect.arrayContaining(["resource", "on", "net", "disk", "handlers", "connection"]));
    expect(v.options).toEqual(
      expect.arrayContaining([
        "protocol",
        "address",
        "device",
        "meta-disk",
        "after-sb-0pri",
        "split-brain",
        "c-max-rate",
      ]),
    );
    expect(v.values).toEqual(
      expect.arrayContaining(["A", "C", "internal", "disconnect", "call-local-io-error", "yes"]),
    );
    expect(v.options.filter((o) => v.sections.includes(o))).toEqual([]);
  });
  it("leaves names of the learner's own (hosts, resources, paths) out", () => {
    for (const word of ["node1", "r0", "drbd0", "sdb1", "postgres"])
      expect([...v.sections, ...v.options, ...v.values]).not.toContain(word);
  });
});
