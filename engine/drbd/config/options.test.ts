import { describe, expect, it } from "vitest";
import { checkValue, findOption, OPTION_TABLE, optionsOf } from "./options";

const def = (section: Parameters<typeof optionsOf>[0], name: string) => {
  const f = findOption(section, name);
  if (!f) throw new Error(`${section} ${name} missing`);
  return f.def;
};

describe("the option table", () => {
  it("holds every option of drbd-behavior.md 3.3", () => {
    const want: Record<string, string[]> = {
      net: [
        "protocol",
        "timeout",
        "connect-int",
        "ping-int",
        "ping-timeout",
        "ko-count",
        "max-buffers",
        "max-epoch-size",
        "sndbuf-size",
        "rcvbuf-size",
        "allow-two-primaries",
        "after-sb-0pri",
        "after-sb-1pri",
        "after-sb-2pri",
        "always-asbp",
        "rr-conflict",
        "cram-hmac-alg",
        "shared-secret",
        "data-integrity-alg",
        "verify-alg",
        "csums-alg",
        "csums-after-crash-only",
        "use-rle",
        "tcp-cork",
        "on-congestion",
        "congestion-fill",
        "congestion-extents",
        "socket-check-timeout",
        "fencing",
        "allow-remote-read",
      ],
      disk: [
        "on-io-error",
        "disk-barrier",
        "disk-flushes",
        "disk-drain",
        "md-flushes",
        "al-extents",
        "al-updates",
        "resync-after",
        "disk-timeout",
        "read-balancing",
        "size",
        "rs-discard-granularity",
        "discard-zeroes-if-aligned",
        "disable-write-same",
      ],
      "peer-device": ["resync-rate", "c-plan-ahead", "c-fill-target", "c-delay-target", "c-max-rate", "c-min-rate"],
      startup: ["wfc-timeout", "degr-wfc-timeout", "outdated-wfc-timeout", "wait-after-sb"],
      options: [
        "on-no-data-accessible",
        "cpu-mask",
        "auto-promote",
        "auto-promote-timeout",
        "quorum",
        "quorum-minimum-redundancy",
        "on-no-quorum",
        "on-suspended-primary-outdated",
        "twopc-timeout",
        "peer-ack-window",
        "peer-ack-delay",
        "max-io-depth",
      ],
      handlers: [
        "pri-on-incon-degr",
        "pri-lost-after-sb",
        "pri-lost",
        "fence-peer",
        "outdate-peer",
        "unfence-peer",
        "local-io-error",
        "initial-split-brain",
        "split-brain",
        "before-resync-target",
        "after-resync-target",
        "before-resync-source",
        "out-of-sync",
        "quorum-lost",
        "disconnected",
      ],
      global: ["usage-count", "minor-count", "dialog-refresh", "disable-ip-verification", "udev-always-use-vnr"],
    };
    for (const [section, names] of Object.entries(want)) {
      const have = optionsOf(section as Parameters<typeof optionsOf>[0]).map((o) => o.name);
      for (const n of names) expect(have, `${section} ${n}`).toContain(n);
    }
    for (const o of OPTION_TABLE) expect(o.fr.length, o.name).toBeGreaterThan(15);
  });

  it("has the defaults and ranges of drbd_limits.h", () => {
    expect(def("net", "max-buffers")).toMatchObject({ default: 2048, min: 32, max: 131072 });
    expect(def("net", "timeout")).toMatchObject({ default: 60, min: 1, max: 600 });
    expect(def("peer-device", "resync-rate")).toMatchObject({ default: 250, min: 1, max: 8388608, scale: "k" });
    expect(def("peer-device", "c-max-rate")).toMatchObject({ default: 102400, min: 0, max: 4194304 });
    expect(def("options", "on-no-quorum").default).toBe("suspend-io");
    expect(def("disk", "disk-flushes").default).toBe(true);
  });

  it("strips a no- prefix like find_field", () => {
    expect(findOption("disk", "no-disk-flushes")).toMatchObject({ noPrefix: true, def: { name: "disk-flushes" } });
    expect(findOption("net", "max-bufers")).toBeNull();
  });
});

describe("value checks (config_flags.c)", () => {
  it("enums, case-insensitive only for protocol", () => {
    expect(checkValue(def("net", "protocol"), "c")).toEqual({ ok: true, value: "C" });
    expect(checkValue(def("net", "protocol"), "D")).toEqual({ ok: false, reason: "not valid" });
    expect(checkValue(def("net", "after-sb-0pri"), "Disconnect")).toEqual({ ok: false, reason: "not valid" });
  });
  it("numbers with units and ranges; al-extents clamps", () => {
    expect(checkValue(def("net", "sndbuf-size"), "512k")).toEqual({ ok: true, value: 524288 });
    expect(checkValue(def("net", "sndbuf-size"), "129M")).toEqual({ ok: false, reason: "too big" });
    expect(checkValue(def("net", "max-buffers"), "31")).toEqual({ ok: false, reason: "too small" });
    expect(checkValue(def("peer-device", "resync-rate"), "10X")).toEqual({ ok: false, reason: "not a number" });
    expect(checkValue(def("disk", "al-extents"), "7")).toEqual({ ok: true, value: 67 });
  });
  it("booleans, strings and quorum", () => {
    expect(checkValue(def("net", "allow-two-primaries"), "yes")).toEqual({ ok: true, value: true });
    expect(checkValue(def("net", "allow-two-primaries"), "true")).toEqual({ ok: false, reason: "not 'yes' or 'no'" });
    expect(checkValue(def("net", "shared-secret"), "x".repeat(64))).toEqual({ ok: false, reason: "too long" });
    expect(checkValue(def("options", "quorum"), "majority")).toEqual({ ok: true, value: "majority" });
    expect(checkValue(def("options", "quorum"), "2")).toEqual({ ok: true, value: 2 });
    expect(checkValue(def("options", "quorum"), "33")).toEqual({ ok: false, reason: "too big" });
    expect(checkValue(def("options", "quorum"), "most")).toEqual({ ok: false, reason: "not valid" });
  });
});

describe("course annex", () => {
  it("renders every public option of a section as a Markdown row", async () => {
    const { optionAnnexMarkdown } = await import("./annex");
    const md = optionAnnexMarkdown(["net"]);
    expect(md).toContain("| `max-buffers` | 2048 | 32–131072 | pages |");
    expect(md).toContain("| `protocol` | C | A, B, C |");
    expect(md.split("\n").filter((l) => l.startsWith("| `")).length).toBe(
      optionsOf("net").filter((o) => !o.name.startsWith("_")).length,
    );
  });
});
