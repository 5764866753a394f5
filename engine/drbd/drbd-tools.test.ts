/**
 * Tools a learner reaches for, as drbd-utils prints them: `drbdadm -V` (drbdadm_main.c case
 * 'V', shell_escape()d values), `drbdsetup outdate MINOR` (refusals as "MINOR: State change
 * failed", ERR_MINOR_INVALID for an unknown minor), `status --color=never`.
 */
import { describe, expect, it } from "vitest";
import { makeKit, syncedPair } from "./testkit";

describe("drbdadm -V / --version", () => {
  it("prints the shell-variable block of drbd-utils 9.28.0 against the 9.2.10 module", async () => {
    const kit = await makeKit();
    const want = [
      "DRBDADM_BUILDTAG=GIT-hash:\\ ba2ce9037989b6141222c7901d1219cf852949f1\\ reproducible\\ build\\,\\ 2024-05-06\\ 07:32:56",
      "DRBDADM_API_VERSION=2",
      "DRBD_KERNEL_VERSION_CODE=0x09020a",
      "DRBD_KERNEL_VERSION=9.2.10",
      "DRBDADM_VERSION_CODE=0x091c00",
      "DRBDADM_VERSION=9.28.0",
      "",
    ].join("\n");
    for (const flag of ["-V", "--version"])
      expect(await kit.sh("node1", `drbdadm ${flag}`)).toEqual({ out: want, err: "", code: 0 });
  });
});

describe("drbdsetup outdate", () => {
  it("refused while connected to the Primary, outdates a disconnected Secondary, an unknown minor fails (127)", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    // a Secondary connected to a Primary may not outdate itself (K9 SS_CONNECTED_OUTDATES)
    const c = await kit.sh("node2", "drbdsetup outdate 0");
    expect(c.code).not.toBe(0);
    expect(c.err).toMatch(/^0: State change failed: \(-\d+\) /);
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("UpToDate/UpToDate\n");
    await kit.sh("node2", "drbdadm disconnect r0");
    expect(await kit.sh("node2", "drbdsetup outdate 0")).toEqual({ out: "", err: "", code: 0 });
    expect((await kit.sh("node2", "drbdadm dstate r0")).out).toBe("Outdated/DUnknown\n");
    expect(await kit.sh("node2", "drbdsetup outdate 7")).toEqual({
      out: "",
      err: "7: Failure: (127) Device minor not allocated\nadditional info from kernel:\nunknown minor\n",
      code: 10,
    });
  });
});

describe("status --color", () => {
  it("--color=never is accepted (the lab prints no colours); an unknown option is not silently a resource", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    const plain = await kit.sh("node1", "drbdadm status r0");
    expect(await kit.sh("node1", "drbdadm status --color=never r0")).toEqual(plain);
    expect((await kit.sh("node1", "drbdadm status --colour=never r0")).code).not.toBe(0);
  });
});

describe("ip addr add and drbdadm's address check (have_ip)", () => {
  it("an address added on the node satisfies `address`; before it, drbdadm refuses", async () => {
    const kit = await makeKit();
    await kit.sh("node1", "sed -i 's/address 172.28.0.11:7788;/address 172.28.0.111:7788;/' /etc/drbd.d/r0.res");
    const before = await kit.sh("node1", "drbdadm dstate r0");
    expect(before.err).toContain("IP 172.28.0.111 not found on this host.");
    expect(before.code).toBe(10);
    expect((await kit.sh("node1", "ip addr add 172.28.0.111/16 dev eth0")).code).toBe(0);
    const after = await kit.sh("node1", "drbdadm create-md r0");
    expect(after.code).toBe(0);
    expect(after.err).not.toContain("not found on this host");
  });

  it("an address added on lo is this host's too (a floating address on the loopback)", async () => {
    const kit = await makeKit();
    await kit.sh("node1", "sed -i 's/address 172.28.0.11:7788;/address 10.99.0.1:7788;/' /etc/drbd.d/r0.res");
    expect((await kit.sh("node1", "drbdadm dstate r0")).err).toContain("IP 10.99.0.1 not found on this host.");
    expect(await kit.sh("node1", "ip addr add 10.99.0.1/32 dev lo")).toMatchObject({ code: 0, err: "" });
    expect((await kit.sh("node1", "ip addr show lo")).out).toContain("inet 10.99.0.1/32 scope global lo");
    expect((await kit.sh("node1", "ip addr show eth0")).out).not.toContain("10.99.0.1");
    expect((await kit.sh("node1", "drbdadm create-md r0")).err).not.toContain("not found on this host");
    // a device that does not exist is still refused, and an address is not added twice
    expect((await kit.sh("node1", "ip addr add 10.99.0.2/32 dev eth9")).err).toContain('Cannot find device "eth9"');
    expect((await kit.sh("node1", "ip addr add 10.99.0.1/32 dev lo")).err).toContain("File exists");
  });
});

// drbd-utils user/shared/drbdmeta.c main: usage (exit 20), the --node-id checks (10), refusals
// on a configured minor (20) and the offline state from the meta-data flags (meta_dstate).
describe("drbdmeta typed by hand", () => {
  it("usage, create-md, dstate, get-gi --node-id, and refusals", async () => {
    const kit = await makeKit();
    const usage = await kit.sh("node1", "drbdmeta");
    expect(usage.code).toBe(20);
    expect(usage.out).toContain("\nUSAGE: drbdmeta [--force] [--quiet] DEVICE FORMAT [FORMAT ARGS...] COMMAND");
    expect(usage.out).toContain("  get-gi --node-id {val} \n");
    expect((await kit.sh("node1", "drbdmeta 0 v09 /dev/sda1 internal create-md 1")).code).toBe(0);
    expect((await kit.sh("node1", "drbdmeta 0 v09 /dev/sda1 internal dstate")).out).toBe("Inconsistent\n");
    expect(await kit.sh("node1", "drbdmeta 0 v09 /dev/sda1 internal get-gi")).toEqual({
      out: "",
      err: "The get-gi command requires the --node-id option\n",
      code: 10,
    });
    expect(await kit.sh("node1", "drbdmeta --node-id 1 0 v09 /dev/sda1 internal dstate")).toEqual({
      out: "",
      err: "The dstate command does not accept the --node-id option\n",
      code: 10,
    });
    expect((await kit.sh("node1", "drbdmeta --node-id 1 0 v09 /dev/sda1 internal get-gi")).out).toBe(
      "0000000000000004:0000000000000000:0000000000000000:0000000000000000:0:0:0:0:0:0:0\n",
    );
    await kit.sh("node1", "drbdadm up r0");
    expect(await kit.sh("node1", "drbdmeta 0 v09 /dev/sda1 internal apply-al")).toEqual({
      out: "",
      err: "Device '0' is configured!\n",
      code: 20,
    });
    expect((await kit.sh("node1", "drbdmeta 0 v08 /dev/sda1 internal dstate")).err).toBe("Unknown format 'v08'.\n");
  });
});
