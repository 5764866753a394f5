import { describe, expect, it } from "vitest";
import { checkForHost, drbdadmExitCode, drbdadmStderr, formatDiagnostic, parseConfig } from "./index";

/** Every learner mistake of drbd-behavior.md 3.4, with drbdadm 9's exact text, file and line. */

const R0 = "/etc/drbd.d/r0.res";
const GC = "/etc/drbd.d/global_common.conf";
/** The node's /etc: the default drbd.conf includes global_common.conf, which must exist. */
const parse = (files: Record<string, string>) => parseConfig({ [GC]: "", ...files });
const R1 = "/etc/drbd.d/r1.res";

const host = (name: string, ip: string, extra = "", port = 7789, dev = 0) => `    on ${name} {
        device /dev/drbd${dev};
        disk /dev/sdb1;
        address ${ip}:${port};
        meta-disk internal;${extra}
    }
`;
const res = (name: string, body: string) => `resource ${name} {\n${body}}\n`;
const ok = res("r0", `    protocol C;\n${host("alice", "10.1.1.31")}${host("bob", "10.1.1.32")}`);

interface Case {
  name: string;
  files: Record<string, string>;
  /** Formatted drbdadm lines, in order. */
  expected: string[];
  /** file and line of the first diagnostic */
  at?: [string, number];
  hostname?: string;
  ips?: string[];
}

const cases: Case[] = [
  {
    name: "missing ';' reports the next token's line",
    files: {
      [R0]: res(
        "r0",
        `    net {\n        protocol C\n        max-buffers 8000;\n    }\n${host("alice", "10.1.1.31")}${host("bob", "10.1.1.32")}`,
      ),
    },
    expected: [`${R0}:4: Parse error: ';' expected,\n\tbut got 'max-buffers' (TK 281)`],
    at: [R0, 4],
  },
  {
    name: "unknown option in net",
    files: {
      [R0]: res(
        "r0",
        `    net {\n        max-bufers 8000;\n    }\n${host("alice", "10.1.1.31")}${host("bob", "10.1.1.32")}`,
      ),
    },
    expected: [`${R0}:3: Parse error: 'an option keyword' expected,\n\tbut got 'max-bufers'`],
    at: [R0, 3],
  },
  {
    name: "unknown option in disk lists the peer-device options (insert_pd_options_delegate)",
    files: {
      [R0]: res(
        "r0",
        `    disk {\n        resync-rat 10M;\n    }\n${host("alice", "10.1.1.31")}${host("bob", "10.1.1.32")}`,
      ),
    },
    expected: [
      `${R0}:3: Parse error: 'resync-rate | c-plan-ahead | c-delay-target | c-fill-target | c-max-rate | c-min-rate | bitmap | resync-without-replication | peer-tiebreaker' expected,\n\tbut got 'resync-rat'`,
    ],
  },
  {
    name: "unknown keyword at resource level",
    files: { [R0]: res("r0", `    protocol C;\n    network {\n    }\n`) },
    expected: [
      `${R0}:3: Parse error: 'protocol | on | disk | net | syncer | startup | handlers | connection | ignore-on | stacked-on-top-of | skip' expected,\n\tbut got 'network' (TK 281)`,
    ],
    at: [R0, 3],
  },
  {
    name: "unknown keyword in an on section",
    files: { [R0]: res("r0", "    on alice {\n        devise /dev/drbd0;\n    }\n") },
    expected: [
      `${R0}:3: Parse error: 'disk | device | address | meta-disk | flexible-meta-disk | node-id | skip' expected,\n\tbut got 'devise'`,
    ],
  },
  {
    name: "invalid enum value, truncated to 20 characters",
    files: {
      [R0]: res(
        "r0",
        `    net {\n        after-sb-1pri discard-younger-primary;\n    }\n${host("alice", "10.1.1.31")}${host("bob", "10.1.1.32")}`,
      ),
    },
    expected: [
      `${R0}:3: Parse error: while parsing value ('discard-younger-prim...')\nfor after-sb-1pri. Value is not valid.\nAllowed values are: disconnect | consensus | discard-secondary | call-pri-lost-after-sb | violently-as0p`,
    ],
    at: [R0, 3],
  },
  {
    name: "discard-node-<host> is rejected by the drbd-utils 9 parser",
    files: {
      [R0]: res(
        "r0",
        `    net {\n        after-sb-0pri discard-node-alice;\n    }\n${host("alice", "10.1.1.31")}${host("bob", "10.1.1.32")}`,
      ),
    },
    expected: [
      `${R0}:3: Parse error: while parsing value ('discard-node-alice')\nfor after-sb-0pri. Value is not valid.\nAllowed values are: disconnect | discard-younger-primary | discard-older-primary | discard-zero-changes | discard-least-changes | discard-local | discard-remote`,
    ],
  },
  {
    name: "protocol D",
    files: { [R0]: res("r0", `    protocol D;\n${host("alice", "10.1.1.31")}${host("bob", "10.1.1.32")}`) },
    expected: [
      `${R0}:2: Parse error: while parsing value ('D')\nfor protocol. Value is not valid.\nAllowed values are: A | B | C`,
    ],
  },
  {
    name: "number too small",
    files: {
      [R0]: res(
        "r0",
        `    net {\n        max-buffers 16;\n    }\n${host("alice", "10.1.1.31")}${host("bob", "10.1.1.32")}`,
      ),
    },
    expected: [`${R0}:3: Parse error: while parsing value ('16')\nfor max-buffers. Value is too small.`],
  },
  {
    name: "number too big (unit applied first: 200k pages)",
    files: {
      [R0]: res(
        "r0",
        `    net {\n        max-buffers 200k;\n    }\n${host("alice", "10.1.1.31")}${host("bob", "10.1.1.32")}`,
      ),
    },
    expected: [`${R0}:3: Parse error: while parsing value ('200k')\nfor max-buffers. Value is too big.`],
  },
  {
    name: "bad unit",
    files: {
      [R0]: res(
        "r0",
        `    disk {\n        resync-rate 10X;\n    }\n${host("alice", "10.1.1.31")}${host("bob", "10.1.1.32")}`,
      ),
    },
    expected: [`${R0}:3: Parse error: while parsing value ('10X')\nfor resync-rate. Value is not a number.`],
  },
  {
    name: "bad boolean",
    files: {
      [R0]: res(
        "r0",
        `    net {\n        allow-two-primaries maybe;\n    }\n${host("alice", "10.1.1.31")}${host("bob", "10.1.1.32")}`,
      ),
    },
    expected: [
      `${R0}:3: Parse error: while parsing value ('maybe')\nfor allow-two-primaries. Value is not 'yes' or 'no'.`,
    ],
  },
  {
    name: "address without port",
    files: { [R0]: res("r0", "    on alice {\n        address 10.1.1.31;\n    }\n") },
    expected: [`${R0}:3: Parse error: ':' expected,\n\tbut got ';' (TK 59)`],
  },
  {
    name: "port out of range (checked twice by drbdadm for an on section)",
    files: { [R0]: res("r0", `${host("alice", "10.1.1.31", "", 70000)}${host("bob", "10.1.1.32")}`) },
    expected: [
      `${R0}:5: port 70000 => 70000 out of range [1..65535].`,
      `${R0}:5: port 70000 => 70000 out of range [1..65535].`,
    ],
  },
  {
    name: "duplicate resource name",
    files: { [R0]: `${ok}\n${ok}` },
    expected: [
      `${R0}:17: conflicting use of resource section 'r0' ...\n${R0}:1: resource section 'r0' first used here.`,
    ],
    at: [R0, 17],
  },
  {
    name: "two global sections",
    files: { "/etc/drbd.conf": "global {\n}\nglobal {\n}\n" },
    expected: [
      "/etc/drbd.conf:3: conflicting use of global section 'global' ...\n/etc/drbd.conf:1: global section 'global' first used here.",
    ],
  },
  {
    name: "same minor twice on a host",
    files: {
      [R0]: ok,
      [R1]: res("r1", `${host("alice", "10.1.1.31", "", 7790)}${host("bob", "10.1.1.32", "", 7790, 1)}`),
    },
    expected: [
      `${R1}:3: conflicting use of device-minor 'device-minor:alice:0' ...\n${R0}:4: device-minor 'device-minor:alice:0' first used here.`,
    ],
    at: [R1, 3],
  },
  {
    name: "same address:port in two resources",
    files: {
      [R0]: ok,
      [R1]: res("r1", `${host("alice", "10.1.1.31", "", 7789, 1)}${host("bob", "10.1.1.32", "", 7789, 1)}`),
    },
    expected: [
      `${R1}:0: in resource r1\n    ipv4:10.1.1.31:7789 is also used ${R0}:0 (resource r0)`,
      `${R1}:0: in resource r1\n    ipv4:10.1.1.32:7789 is also used ${R0}:0 (resource r0)`,
    ],
  },
  {
    name: "disk missing",
    files: {
      [R0]: res(
        "r0",
        `    on alice {\n        device /dev/drbd0;\n        address 10.1.1.31:7789;\n        meta-disk internal;\n    }\n${host("bob", "10.1.1.32")}`,
      ),
    },
    expected: [`${R0}:2: in resource r0, on alice { ... }: 'disk' keyword missing.`],
    at: [R0, 2],
  },
  {
    name: "address missing: no implicit node ids",
    files: {
      [R0]: res(
        "r0",
        `    on alice {\n        device /dev/drbd0;\n        disk /dev/sdb1;\n        meta-disk internal;\n    }\n${host("bob", "10.1.1.32")}`,
      ),
    },
    expected: [
      `${R0}:2: in resource r0, on alice { ... }: 'node-id' keyword missing.`,
      `${R0}:7: in resource r0, on bob { ... }: 'node-id' keyword missing.`,
    ],
  },
  {
    name: "node-id missing with more than two hosts (no connection-mesh)",
    files: {
      [R0]: res("r0", `${host("alice", "10.1.1.31")}${host("bob", "10.1.1.32")}${host("charlie", "10.1.1.33")}`),
    },
    expected: [
      "Resource r0:\n\tUse explicit 'connection' sections (or a 'connection-mesh' section) with more than two 'on' sections.",
      `${R0}:2: in resource r0, on alice { ... }: 'node-id' keyword missing.`,
      `${R0}:8: in resource r0, on bob { ... }: 'node-id' keyword missing.`,
      `${R0}:14: in resource r0, on charlie { ... }: 'node-id' keyword missing.`,
    ],
  },
  {
    name: "node-id missing with a connection-mesh",
    files: {
      [R0]: res(
        "r0",
        `${host("alice", "10.1.1.31", "\n        node-id 0;")}${host("bob", "10.1.1.32", "\n        node-id 1;")}${host("charlie", "10.1.1.33")}    connection-mesh {\n        hosts alice bob charlie;\n    }\n`,
      ),
    },
    expected: [`${R0}:16: in resource r0, on charlie { ... }: 'node-id' keyword missing.`],
  },
  {
    name: "only one on section",
    files: { [R0]: res("r0", host("alice", "10.1.1.31")) },
    expected: [`${R0}:2: in resource r0, on alice { ... }: 'node-id' keyword missing.`],
  },
  {
    name: "connection-mesh names a host without an on section",
    files: {
      [R0]: res(
        "r0",
        `${host("alice", "10.1.1.31", "\n        node-id 0;")}${host("bob", "10.1.1.32", "\n        node-id 1;")}    connection-mesh {\n        hosts alice bob carol;\n    }\n`,
      ),
    },
    expected: [
      `${R0}:1: in resource r0:\n\tThere is no 'on' section for hostname 'carol' named in the connection-mesh`,
    ],
  },
  {
    name: "same IP:port for both hosts of one resource",
    files: { [R0]: res("r0", `${host("alice", "10.1.1.31")}${host("bob", "10.1.1.31")}`) },
    expected: ["BAD LUCK, equal hashes"],
  },
  {
    name: "unterminated string",
    files: { [R0]: res("r0", '    handlers {\n        split-brain "/x.sh;\n    }\n') },
    expected: [`${R0}:3: Parse error: ';' expected,\n\tbut got '}' (TK 125)`],
  },
  {
    name: "include of a missing literal file",
    files: { "/etc/drbd.conf": 'include "/etc/drbd.d/nope.conf";\n' },
    expected: ["/etc/drbd.conf:1: Failed to open include file '/etc/drbd.d/nope.conf'."],
  },
  {
    name: "top-level handlers section (a bare snippet file)",
    files: { "/etc/drbd.d/handlers.res": 'handlers {\n    split-brain "/x.sh";\n}\n' },
    expected: [
      "/etc/drbd.d/handlers.res:1: Parse error: 'global | common | resource | skip | include |\n\trequire-drbd-module-version-{eq,ne,gt,ge,lt,le}' expected,\n\tbut got 'handlers'",
    ],
  },
];

describe("drbdadm parse and post-parse messages", () => {
  for (const c of cases) {
    it(c.name, () => {
      const { diagnostics } = parse(c.files);
      expect(drbdadmStderr(diagnostics)).toEqual(c.expected);
      expect(drbdadmExitCode(diagnostics)).toBe(c.name.startsWith("same IP:port for both") ? 20 : 10);
      if (c.at) expect([diagnostics[0]?.file, diagnostics[0]?.line]).toEqual(c.at);
      for (const d of diagnostics) expect(d.messageFr.length).toBeGreaterThan(10);
    });
  }

  it("accepts quorum in options and lower-case protocol", () => {
    const text = res(
      "r0",
      `    protocol c;\n    options {\n        quorum majority;\n    }\n${host("alice", "10.1.1.31")}${host("bob", "10.1.1.32")}`,
    );
    expect(parse({ [R0]: text }).diagnostics).toEqual([]);
    expect(drbdadmExitCode([])).toBe(0);
  });

  it("local IP not configured on this host", () => {
    const { config } = parse({ [R0]: ok });
    expect(checkForHost(config, "alice", { ips: ["10.1.1.99"] }).map(formatDiagnostic)).toEqual([
      `${R0}: in resource r0, on alice:\n\tIP 10.1.1.31 not found on this host.`,
    ]);
    expect(checkForHost(config, "alice", { ips: ["10.1.1.31"] })).toEqual([]);
  });

  it("host not in any on section", () => {
    const { config } = parse({ [R0]: ok });
    const d = checkForHost(config, "carol", { resources: ["r0"] });
    expect(d.map(formatDiagnostic)).toEqual(["'r0' not defined in your config (for this host)."]);
    expect(drbdadmExitCode(d)).toBe(1);
    expect(checkForHost(config, "alice", { resources: ["r9"] }).map(formatDiagnostic)).toEqual([
      "'r9' not defined in your config (for this host).",
    ]);
  });

  it("gives a French hint naming the statement that lacks its ';'", () => {
    const { diagnostics } = parse({
      [R0]: res("r0", "    net {\n        protocol C\n        max-buffers 8000;\n    }\n"),
    });
    expect(diagnostics[0]?.messageFr).toBe("Point-virgule manquant après « protocol C » (ligne 3).");
    expect(diagnostics[0]?.column).toBe(9);
  });

  it("suggests the closest option name in French", () => {
    const { diagnostics } = parse({ [R0]: res("r0", "    net {\n        max-bufers 8000;\n    }\n") });
    expect(diagnostics[0]?.messageFr).toContain("« max-buffers »");
  });

  it("stops a file at its first parse error but still reads the other files", () => {
    const files = {
      [R0]: res("r0", "    bogus;\n    also-bogus;\n"),
      [R1]: res("r1", `${host("alice", "10.1.1.31", "", 7790, 1)}${host("bob", "10.1.1.32", "", 7790, 1)}`),
    };
    const { config, diagnostics } = parse(files);
    expect(diagnostics.filter((d) => d.code === "parse-error")).toHaveLength(1);
    // like drbdadm, a resource whose parse failed is not part of the configuration
    expect(config.resources.map((r) => r.name)).toEqual(["r1"]);
  });
});

describe("French explanations", () => {
  const fr = (files: Record<string, string>) => parse(files).diagnostics.map((d) => d.messageFr);
  it("explain duplicates, unknown disk options and unterminated strings", () => {
    expect(fr({ [R0]: `${ok}\n${ok}` })[0]).toBe(
      `La ressource « r0 » est définie deux fois (première définition : ${R0}, ligne 1) ; renommez ou supprimez l'une des deux.`,
    );
    expect(fr({ [R0]: res("r0", "    disk {\n        c-max-rat 10M;\n    }\n") })[0]).toBe(
      "Option inconnue « c-max-rat » dans la section disk (ligne 3). Vouliez-vous dire « c-max-rate » ?",
    );
    expect(fr({ [R0]: res("r0", '    handlers {\n        split-brain "/x.sh;\n    }\n') })[0]).toBe(
      'Chaîne entre guillemets non terminée ligne 3 : le guillemet fermant « " » manque avant la fin de la ligne.',
    );
    expect(
      fr({
        [R0]: ok,
        [R1]: res("r1", `${host("alice", "10.1.1.31", "", 7790)}${host("bob", "10.1.1.32", "", 7790, 1)}`),
      })[0],
    ).toBe(
      `Le périphérique DRBD numéro 0 de l'hôte alice est déjà utilisé (${R0}, ligne 4) : chaque ressource a besoin de son propre /dev/drbdN.`,
    );
  });
});
