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
