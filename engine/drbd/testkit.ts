/** Test helpers: a workshop lab with the DRBD subsystem and plain SparseDisk backing disks. */

import { textPayload } from "../block/payload";
import { SparseDisk } from "../block/sparse-disk";
import type { BlockDevice } from "../block/types";
import { createLab, type Lab } from "../lab";
import { createStorage } from "../storage/storage";
import type { LabNode, Subsystem } from "../world/types";
import { DrbdSubsystem } from "./index";

export interface Kit {
  lab: Lab;
  drbd: DrbdSubsystem;
  sh(target: string, line: string): Promise<{ out: string; err: string; code: number }>;
  node(name: string): LabNode;
  drbd0(name: string): BlockDevice;
  dmesg(name: string): string;
}

export async function makeKit(opts: { topology?: string; extra?: Subsystem[] } = {}): Promise<Kit> {
  const drbd = new DrbdSubsystem();
  const lab = await createLab({
    subsystems: [createStorage(), ...(opts.extra ?? []), drbd],
    createDisk: (_n, path, size) => new SparseDisk(path, size),
    ...(opts.topology ? { topology: opts.topology } : {}),
  });
  await lab.exec("host", "cd drbd-workshop && docker-compose up -d");
  const node = (name: string) => {
    const n = lab.world.node(name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  };
  return {
    lab,
    drbd,
    node,
    async sh(target, line) {
      const r = await lab.exec(target, line);
      return { out: r.stdout, err: r.stderr, code: r.exitCode };
    },
    drbd0(name) {
      const d = node(name).blockDevices.get("/dev/drbd0");
      if (!d) throw new Error(`no /dev/drbd0 on ${name}`);
      return d;
    },
    dmesg(name) {
      return node(name)
        .dmesg.entries()
        .map((e) => e.text)
        .join("\n");
    },
  };
}

/** create-md + up on the given nodes. */
export async function upAll(kit: Kit, nodes: string[]): Promise<void> {
  for (const n of nodes) {
    await kit.sh(n, "drbdadm create-md r0");
    await kit.sh(n, "drbdadm up r0");
  }
}

/** Two nodes, initial full sync done from node1 (Primary) to node2. */
export async function syncedPair(kit: Kit): Promise<void> {
  await upAll(kit, ["node1", "node2"]);
  await kit.sh("node1", "drbdadm primary --force r0");
  await kit.sh("node1", "sleep 15");
}

export function text(s: string) {
  return textPayload(s);
}
