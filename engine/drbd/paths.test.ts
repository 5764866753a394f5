import { describe, expect, it } from "vitest";
import { makeKit, upAll } from "./testkit";

/** Each `on HOST { address IP:PORT; }` is where that host listens: a path joins two of them. */
describe("connection paths with a different port per host", () => {
  it("shows this host's own port and the peer's; adjust applies a change of this host's port", async () => {
    const kit = await makeKit();
    await upAll(kit, ["node1", "node2"]);
    for (const n of ["node1", "node2"])
      await kit.sh(n, "sed -i 's/172.28.0.12:7788/172.28.0.12:7790/' /etc/drbd.d/r0.res");
    const adj2 = await kit.sh("node2", "drbdadm -d adjust r0");
    expect(adj2.out).toContain("drbdsetup del-path r0 0 ipv4:172.28.0.12:7788 ipv4:172.28.0.11:7788");
    expect(adj2.out).toContain("drbdsetup new-path r0 0 ipv4:172.28.0.12:7790 ipv4:172.28.0.11:7788");
    for (const n of ["node1", "node2"]) expect((await kit.sh(n, "drbdadm adjust r0")).code).toBe(0);
    await kit.sh("node1", "sleep 3");
    const show1 = (await kit.sh("node1", "drbdsetup show r0")).out;
    expect(show1).toContain("_this_host ipv4 172.28.0.11:7788;\n            _remote_host ipv4 172.28.0.12:7790;");
    const show2 = (await kit.sh("node2", "drbdsetup show r0")).out;
    expect(show2).toContain("_this_host ipv4 172.28.0.12:7790;\n            _remote_host ipv4 172.28.0.11:7788;");
    expect((await kit.sh("node1", "drbdsetup events2 --now r0")).out).toContain(
      "local:ipv4:172.28.0.11:7788 peer:ipv4:172.28.0.12:7790 established:yes",
    );
    expect((await kit.sh("node1", "drbdadm cstate r0")).out).toBe("Connected\n");
  });
});
