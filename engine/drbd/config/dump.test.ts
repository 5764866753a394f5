import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG_FILES, dumpConfig, dumpResource, parseConfig, resolveResource } from "./index";

/** Golden `drbdadm dump` outputs: fixtures/<case>/etc/** in, fixtures/<case>/dump.<host>.txt out. */

const FIXTURES = join(import.meta.dirname, "fixtures");

function readEtc(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else files[p.slice(dir.length)] = readFileSync(p, "utf8");
    }
  };
  walk(join(dir, "etc"));
  return files;
}

const cases = readdirSync(FIXTURES).filter((d) => statSync(join(FIXTURES, d)).isDirectory());

describe("drbdadm dump golden files", () => {
  it("has fixtures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
  });
  for (const name of cases) {
    const dir = join(FIXTURES, name);
    for (const out of readdirSync(dir).filter((f) => /^dump\..+\.txt$/.test(f))) {
      const hostname = out.slice(5, -4);
      it(`${name} on ${hostname}`, () => {
        const { config, diagnostics } = parseConfig(readEtc(dir));
        expect(diagnostics).toEqual([]);
        expect(dumpConfig(config, { hostname })).toBe(readFileSync(join(dir, out), "utf8"));
      });
    }
  }

  it("the lab-default fixture is the lab's installed configuration", () => {
    expect(readEtc(join(FIXTURES, "lab-default"))).toEqual(DEFAULT_CONFIG_FILES);
  });
});

const withoutLocations = (dump: string) => dump.replace(/^# defined at .*$/gm, "");

describe("dump round trip", () => {
  for (const name of cases) {
    it(`${name}: the dump parses again to the same configuration`, () => {
      const first = parseConfig(readEtc(join(FIXTURES, name)));
      const dumped = dumpConfig(first.config, { hostname: "node1" });
      const second = parseConfig({ "/etc/drbd.conf": dumped });
      expect(second.diagnostics).toEqual([]);
      expect(withoutLocations(dumpConfig(second.config, { hostname: "node1" }))).toBe(withoutLocations(dumped));
      for (const r of first.config.resources) {
        for (const h of r.hosts) {
          // a floating section is matched by a local IP (drbdadm also accepts the IP as hostname)
          const host = (h.kind === "floating" ? h.address?.addr : h.names[0]) ?? "";
          const a = resolveResource(first.config, r.name, host);
          const b = resolveResource(second.config, r.name, host);
          // locations change and drbdadm's implicit node ids become explicit `node-id` lines
          const norm = (x: typeof a) => x && { ...x, file: "", line: 0, me: { ...x.me, implicitNodeId: false } };
          expect(a).not.toBeNull();
          expect(norm(b)).toEqual(norm(a));
        }
      }
    });
  }
});

describe("drbdadm dump r0", () => {
  it("prints one resource without header; normalises the TP1 file", () => {
    const { config } = parseConfig(DEFAULT_CONFIG_FILES);
    expect(dumpResource(config, "r0", "node2")).toBe(`# resource r0 on node2: not ignored, not stacked
# defined at /etc/drbd.d/r0.res:1
resource r0 {
    on node1 {
        node-id 0;
        device           /dev/drbd0 minor 0;
        disk             /dev/sda1;
        meta-disk        internal;
        address          ipv4 172.28.0.11:7788;
    }
    on node2 {
        node-id 1;
        device           /dev/drbd0 minor 0;
        disk             /dev/sda1;
        meta-disk        internal;
        address          ipv4 172.28.0.12:7788;
    }
    net {
        protocol           C;
    }
}

`);
    expect(dumpResource(config, "r9", "node1")).toBeNull();
  });

  it("keeps values as written and quotes only what needs quotes", () => {
    const { config } = parseConfig({
      "/etc/drbd.conf":
        'resource r0 {\n disk { resync-rate 40M; c-max-rate 184320; }\n handlers { split-brain "/usr/lib/drbd/notify-split-brain.sh root"; fence-peer "/x.sh"; }\n on a { device /dev/drbd0; disk /dev/sda1; address 10.0.0.1:7788; meta-disk internal; }\n on b { device /dev/drbd0; disk /dev/sda1; address 10.0.0.2:7788; meta-disk internal; }\n}\n',
    });
    const out = dumpResource(config, "r0", "a") ?? "";
    expect(out).toContain("        resync-rate      40M;\n        c-max-rate       184320;\n");
    expect(out).toContain(
      '        split-brain      "/usr/lib/drbd/notify-split-brain.sh root";\n        fence-peer       /x.sh;\n',
    );
  });
});
