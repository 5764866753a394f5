/**
 * Cross-cutting: owners set on the DRBD filesystem live in its inodes, so after a planned
 * failover the peer shows the same owners (PostgreSQL's data directory must stay postgres's).
 */
import { describe, expect, it } from "vitest";
import { lab, out } from "./helpers";

describe("owners on the replicated filesystem", () => {
  it("chown and files created by postgres keep their owner on the peer after failover", async () => {
    const l = await lab("running");
    for (const n of ["node1", "node2"]) await l.exec(n, "drbdadm create-md r0; drbdadm up r0");
    await out(l, "node1", "drbdadm primary --force r0");
    await l.advance(60_000);
    await out(l, "node1", "mkfs.ext4 -q /dev/drbd0 && mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd");
    await out(
      l,
      "node1",
      "mkdir /mnt/drbd/pgdata && chown postgres:postgres /mnt/drbd/pgdata && chmod 700 /mnt/drbd/pgdata",
    );
    await out(l, "node1", 'su - postgres -c "echo 14 > /mnt/drbd/pgdata/PG_VERSION"');
    const before = await out(l, "node1", "ls -l /mnt/drbd/pgdata; ls -ld /mnt/drbd/pgdata");
    expect(before).toMatch(
      /^total \d+\n-rw-r--r-- 1 postgres postgres 3 Jan 15 \d\d:\d\d PG_VERSION\ndrwx------ 2 postgres postgres 4096 /,
    );
    await out(l, "node1", "umount /mnt/drbd && drbdadm secondary r0");
    await out(l, "node2", "drbdadm primary r0 && mkdir -p /mnt/drbd && mount /dev/drbd0 /mnt/drbd");
    expect(await out(l, "node2", "ls -l /mnt/drbd/pgdata; ls -ld /mnt/drbd/pgdata")).toBe(before);
    // the side table of the root filesystem is not involved
    expect(l.state().nodes).toMatchObject({ node2: { owners: {} } });
  }, 30_000);
});
