import { describe, expect, it } from "vitest";
import { R0_RES } from "../config";
import { makeKit } from "../testkit";

/**
 * Checks drbdadm runs only for resources named on the command line (ctx_by_name()); the
 * expected texts are what drbd-utils 9.22's drbdadm printed for the same files as node1.
 */

async function kitWith(files: Record<string, string>) {
  const kit = await makeKit();
  const fs = kit.node("node1").fs;
  for (const [path, text] of Object.entries(files)) await fs.writeFile(path, text);
  return kit;
}

// the lab's r0 with node-ids and without node2's address: the implicit connection has one host
const NO_PEER_ADDRESS = R0_RES.replace("on node1 {\n", "on node1 {\n        node-id 0;\n")
  .replace("on node2 {\n", "on node2 {\n        node-id 1;\n")
  .replace(/\n\s*address\s+172\.28\.0\.12[^\n]*/, "");
const MISSING = "/etc/drbd.d/r0.res:0: in connection in resource r0:\n\tMissing statement 'host <PEER> '.\n";

describe("a two-node resource whose peer has no address", () => {
  it("the fixture really lacks node2's address (and keeps node1's)", () => {
    expect(NO_PEER_ADDRESS).not.toMatch(/172\.28\.0\.12/);
    expect(NO_PEER_ADDRESS).toMatch(/172\.28\.0\.11/);
  });

  it("-d up r0: \"Missing statement 'host <PEER> '\" three times (one per ctx_by_name), exit 10, nothing run", async () => {
    const kit = await kitWith({ "/etc/drbd.d/r0.res": NO_PEER_ADDRESS });
    const r = await kit.sh("node1", "drbdadm -d up r0");
    expect(r.err).toBe(MISSING.repeat(3));
    expect(r.out).toBe("");
    expect(r.code).toBe(10);
    const sh = await kit.sh("node1", "drbdadm sh-dev r0");
    expect([sh.out, sh.err, sh.code]).toEqual(["", MISSING.repeat(3), 10]);
  });

  it("dump r0 reports it and still dumps (exit 0); dump of all and -d down all do not check the peer", async () => {
    const kit = await kitWith({ "/etc/drbd.d/r0.res": NO_PEER_ADDRESS });
    const named = await kit.sh("node1", "drbdadm dump r0");
    expect(named.err).toBe(MISSING.repeat(3));
    expect(named.out).toContain("resource r0 {");
    expect(named.code).toBe(0);
    const all = await kit.sh("node1", "drbdadm dump");
    expect(all.err).toBe("");
    expect(all.code).toBe(0);
    const down = await kit.sh("node1", "drbdadm -d down all");
    expect(down.err).not.toContain("Missing statement");
  });

  it("on the node without an address the connection is not its own: no such message", async () => {
    const kit = await makeKit();
    await kit.node("node2").fs.writeFile("/etc/drbd.d/r0.res", NO_PEER_ADDRESS);
    const r = await kit.sh("node2", "drbdadm dump r0");
    expect(r.err).not.toContain("Missing statement");
  });

  it("the lab's complete r0 has no such message", async () => {
    const kit = await kitWith({});
    const r = await kit.sh("node1", "drbdadm -d up r0");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("generic sh-* commands after post-parse errors (no validation, drbdadm 9.22's output)", () => {
  // on node2 both floating sections are this host: 127.0.0.1 and its own 172.28.0.12
  const FLOATING = `resource data {
    device /dev/drbd10;
    disk /dev/sda1;
    meta-disk internal;
    floating 127.0.0.1:7000 {
        node-id 0;
    }
    floating 172.28.0.12:7000 {
        node-id 1;
    }
}
`;
  // floating hosts are named ADDR_PORT as drbd-utils 9.34 does (9.22 printed ADDR:PORT)
  const SEVERAL =
    "/etc/drbd.d/r0.res:8: in resource data, on 127.0.0.1_7000 { ... } ... on 172.28.0.12_7000 { ... }:\n\tThere are multiple host sections for this node.\n";

  it("sh-resources and sh-mod-parms print the message and go on (exit 0); sh-nop exits 10", async () => {
    const kit = await makeKit();
    await kit.node("node2").fs.writeFile("/etc/drbd.d/r0.res", FLOATING);
    const list = await kit.sh("node2", "drbdadm sh-resources");
    expect([list.out, list.err, list.code]).toEqual(["data\n", SEVERAL, 0]);
    const parms = await kit.sh("node2", "drbdadm sh-mod-parms");
    expect([parms.out, parms.err, parms.code]).toEqual(["minor_count=32\n", SEVERAL, 0]);
    const nop = await kit.sh("node2", "drbdadm sh-nop");
    expect([nop.out, nop.err, nop.code]).toEqual(["", `${SEVERAL}command sh-nop exited with code 10\n`, 10]);
  });

  it("commands that validate still stop with exit 10", async () => {
    const kit = await makeKit();
    await kit.node("node2").fs.writeFile("/etc/drbd.d/r0.res", FLOATING);
    const r = await kit.sh("node2", "drbdadm dump");
    expect([r.out, r.err, r.code]).toEqual(["", SEVERAL, 10]);
  });

  it("on node1 only 127.0.0.1 is this host: no message, sh-nop exits 0", async () => {
    const kit = await makeKit();
    await kit.node("node1").fs.writeFile("/etc/drbd.d/r0.res", FLOATING);
    const nop = await kit.sh("node1", "drbdadm sh-nop");
    expect([nop.err, nop.code]).toEqual(["", 0]);
  });
});
