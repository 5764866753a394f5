import { describe, expect, it } from "vitest";
import { GLOBAL_COMMON_CONF, R0_RES } from "../config";
import { makeKit } from "../testkit";

/**
 * `drbdadm dump`, `-d` and `sh-*` on the lab's files: expectations are what drbd-utils 9.22's
 * drbdadm printed for the same files as node1 (tests/oracle compares the whole corpus when
 * drbdadm is installed; these run everywhere).
 */

const R1_RES = R0_RES.replace("resource r0", "resource r1")
  .replace(/drbd0/g, "drbd1")
  .replace(/sda1/g, "sdb1")
  .replace(/7788/g, "7789")
  .replace("protocol C;", "protocol A;");

async function kitWith(files: Record<string, string>) {
  const kit = await makeKit();
  const fs = kit.node("node1").fs;
  for (const [path, text] of Object.entries(files)) await fs.writeFile(path, text);
  return kit;
}

describe("drbdadm -d up", () => {
  it("passes new-resource options and net options as written, like drbdadm 9.22", async () => {
    const kit = await kitWith({});
    const r = await kit.sh("node1", "drbdadm -d up r0");
    expect(r.code).toBe(0);
    expect(r.out.split("\n").slice(0, 3)).toEqual([
      "drbdsetup new-resource r0 0 --on-no-data-accessible=io-error",
      "drbdsetup new-minor r0 0 0",
      "drbdsetup new-peer r0 1 --_name=node2 --protocol=C --max-buffers=8000 --max-epoch-size=8000 --sndbuf-size=512k --rcvbuf-size=512k --after-sb-0pri=discard-zero-changes --after-sb-1pri=discard-secondary --after-sb-2pri=disconnect",
    ]);
    expect(r.out).not.toContain("524288");
  });

  it("runs stage by stage over all resources: every new-resource, new-minor, new-peer, new-path, then attach and connect", async () => {
    const kit = await kitWith({ "/etc/drbd.d/r1.res": R1_RES });
    const r = await kit.sh("node1", "drbdadm -d up all");
    const verbs = r.out
      .trim()
      .split("\n")
      .map((l) => l.split(" ").slice(0, 3).join(" "));
    expect(verbs).toEqual([
      "drbdsetup new-resource r0",
      "drbdsetup new-resource r1",
      "drbdsetup new-minor r0",
      "drbdsetup new-minor r1",
      "drbdsetup new-peer r0",
      "drbdsetup new-peer r1",
      "drbdsetup new-path r0",
      "drbdsetup new-path r1",
      "drbdmeta 0 v09",
      "drbdmeta 0 v09",
      "drbdsetup attach 0",
      "drbdmeta 1 v09",
      "drbdmeta 1 v09",
      "drbdsetup attach 1",
      "drbdsetup connect r0",
      "drbdsetup connect r1",
    ]);
  });

  it("prints peer-device-options for resync controller settings, and adjust resets them first", async () => {
    const res = R0_RES.replace(
      "protocol C;",
      "protocol C;\n    disk {\n        resync-rate 33M;\n        c-plan-ahead 0;\n    }",
    );
    const kit = await kitWith({ "/etc/drbd.d/r0.res": res });
    expect((await kit.sh("node1", "drbdadm -d up r0")).out).toContain(
      "drbdsetup new-path r0 1 ipv4:172.28.0.11:7788 ipv4:172.28.0.12:7788\ndrbdsetup peer-device-options r0 1 0 --resync-rate=33M --c-plan-ahead=0\ndrbdmeta 0 v09",
    );
    expect((await kit.sh("node1", "drbdadm -d adjust r0")).out).toContain(
      "drbdsetup peer-device-options r0 1 0 --set-defaults --resync-rate=33M --c-plan-ahead=0\n",
    );
  });

  it("prints verify's calls on a resource that is down", async () => {
    const kit = await kitWith({});
    expect(await kit.sh("node1", "drbdadm -d verify r0")).toEqual({
      out: "drbdsetup verify r0 1 0\n",
      err: "",
      code: 0,
    });
  });

  it("warns when 'all' names no resource of this host", async () => {
    const kit = await kitWith({ "/etc/drbd.d/r0.res": R0_RES.replace(/node1/g, "node9") });
    const r = await kit.sh("node1", "drbdadm -d up all");
    expect(r).toEqual({
      out: "",
      err: "WARN: no normal resources defined for this host (node1)!?\nMisspelled name of the local machine with the 'on' keyword ?\n",
      code: 1,
    });
  });
});

describe("drbdadm dump", () => {
  it("dump all starts with the file, global and common sections", async () => {
    const kit = await kitWith({});
    const r = await kit.sh("node1", "drbdadm dump all");
    expect(r.code).toBe(0);
    expect(r.out.startsWith("# /etc/drbd.conf\nglobal {\n    usage-count no;\n}\n\ncommon {\n    options {\n")).toBe(
      true,
    );
    expect(r.out).toContain("# resource r0 on node1: not ignored, not stacked\n# defined at /etc/drbd.d/r0.res:1\n");
  });

  it("refuses an address that is not on this host (exit 10), a named dump only warns", async () => {
    const kit = await kitWith({ "/etc/drbd.d/r0.res": R0_RES.replace("172.28.0.11", "10.9.9.11") });
    const msg = "/etc/drbd.d/r0.res: in resource r0, on node1:\n\tIP 10.9.9.11 not found on this host.\n";
    expect(await kit.sh("node1", "drbdadm dump all")).toEqual({ out: "", err: msg, code: 10 });
    const named = await kit.sh("node1", "drbdadm dump r0");
    expect(named.err).toBe(msg);
    expect(named.code).toBe(0);
    expect(named.out).toContain("resource r0 {");
  });

  it("parses and dumps a `proxy on HOST` section in a host section", async () => {
    const res = R0_RES.replace(
      "address 172.28.0.11:7788;",
      "address 172.28.0.11:7788;\n        proxy on node1 {\n            inside 127.0.0.1:7078;\n            outside 172.28.0.11:7100;\n        }",
    );
    const kit = await kitWith({ "/etc/drbd.d/r0.res": res });
    const r = await kit.sh("node1", "drbdadm dump r0");
    expect(r.err).toBe("");
    expect(r.out).toContain(
      "        address          ipv4 172.28.0.11:7788;\n        proxy on node1 {\n            inside           ipv4 127.0.0.1:7078;\n            outside          ipv4 172.28.0.11:7100;\n        }\n",
    );
    const broken = await kitWith({ "/etc/drbd.d/r0.res": res.replace("inside 127.0.0.1:7078;", "") });
    expect((await broken.sh("node1", "drbdadm dump r0")).code).toBe(10);
  });
});

it("parses and dumps `via proxy on HOST` in a connection as drbdadm 9.22 prints it", async () => {
  const res = `resource r0 {
    device /dev/drbd0;
    disk /dev/sda1;
    meta-disk internal;
    on node1 {
        node-id 0;
        address 172.28.0.11:7788;
    }
    on node2 {
        node-id 1;
        address 172.28.0.12:7788;
    }
    connection {
        host node1 address 172.28.0.11:7788 via proxy on node1 {
            inside 127.0.0.1:7001;
            outside 172.28.0.11:7002;
        }
        host node2 address 172.28.0.12:7788 via proxy on node2 {
            inside 127.0.0.1:7001;
            outside 172.28.0.12:7002;
        }
    }
}
`;
  const kit = await kitWith({ "/etc/drbd.d/r0.res": res });
  const r = await kit.sh("node1", "drbdadm dump r0");
  expect(r.err).toBe("");
  expect(r.out).toContain(`    connection {
        host node1         address         ipv4 172.28.0.11:7788         via proxy on node1 {
            inside           ipv4 127.0.0.1:7001;
            outside          ipv4 172.28.0.11:7002;
        }
        host node2         address         ipv4 172.28.0.12:7788         via proxy on node2 {
            inside           ipv4 127.0.0.1:7001;
            outside          ipv4 172.28.0.12:7002;
        }
        net {
            _name        node2;
        }
    }
`);
});

describe("drbdadm sh-*", () => {
  it("prints the configuration's values one per line", async () => {
    const kit = await kitWith({ "/etc/drbd.d/r1.res": R1_RES });
    expect((await kit.sh("node1", "drbdadm sh-resources")).out).toBe("r0\nr1\n");
    expect((await kit.sh("node1", "drbdadm sh-dev r1")).out).toBe("/dev/drbd1\n");
    expect((await kit.sh("node1", "drbdadm sh-minor r1")).out).toBe("1\n");
    expect((await kit.sh("node1", "drbdadm sh-ll-dev r1")).out).toBe("/dev/sdb1\n");
    expect((await kit.sh("node1", "drbdadm sh-md-dev r1")).out).toBe("/dev/sdb1\n");
    expect((await kit.sh("node1", "drbdadm sh-md-idx r1")).out).toBe("internal\n");
    expect((await kit.sh("node1", "drbdadm sh-ip r0")).out).toBe("172.28.0.11\n");
  });

  it("refuses an unknown resource and a broken file", async () => {
    const kit = await kitWith({});
    expect(await kit.sh("node1", "drbdadm sh-dev r7")).toEqual({
      out: "",
      err: "'r7' not defined in your config (for this host).\n",
      code: 1,
    });
    await kit
      .node("node1")
      .fs.writeFile("/etc/drbd.d/global_common.conf", GLOBAL_COMMON_CONF.replace("protocol C;", "protocol C"));
    const r = await kit.sh("node1", "drbdadm sh-resources");
    expect(r.code).toBe(10);
    expect(r.err).toMatch(/^\/etc\/drbd\.d\/global_common\.conf:\d+: Parse error: ';' expected/);
  });

  it("a floating section on 127.0.0.1 is this host", async () => {
    const res = `resource r0 {
    device /dev/drbd0;
    disk /dev/sda1;
    meta-disk internal;
    floating 127.0.0.1:7789 {
        node-id 0;
    }
    floating 172.28.0.12:7789 {
        node-id 1;
    }
}
`;
    const kit = await kitWith({ "/etc/drbd.d/r0.res": res });
    expect(await kit.sh("node1", "drbdadm sh-resources")).toEqual({ out: "r0\n", err: "", code: 0 });
    expect((await kit.sh("node1", "drbdadm -d up r0")).out).toContain(
      "drbdsetup new-path r0 1 ipv4:127.0.0.1:7789 ipv4:172.28.0.12:7789\n",
    );
  });
});
