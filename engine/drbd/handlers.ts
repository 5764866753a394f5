/**
 * User-mode helpers (K9 drbd_nl.c drbd_khelper): the kernel runs `/sbin/drbdadm <cmd> <res>`,
 * drbdadm runs the handler configured in `handlers { <cmd> "..."; }` with DRBD_* variables.
 * The job is queued on the world (it runs after the current synchronous step).
 */
import type { DrbdKernel } from "./kernel";
import type { Connection, Device, Resource } from "./objects";

export function runHandler(k: DrbdKernel, res: Resource, cmd: string, dev?: Device, conn?: Connection): void {
  const prefix =
    dev && conn
      ? `drbd ${res.name}/${dev.vnr} drbd${dev.minor} ${conn.peerName}`
      : dev
        ? `drbd ${res.name}/${dev.vnr} drbd${dev.minor}`
        : conn
          ? `drbd ${res.name} ${conn.peerName}`
          : `drbd ${res.name}`;
  res.node.dmesg.append(`${prefix}: helper command: /sbin/drbdadm ${cmd}`);
  const line = res.conf.handlers[cmd];
  const node = res.node;
  const env: Record<string, string> = { DRBD_RESOURCE: res.name, DRBD_NODE_ID: String(res.nodeId) };
  if (dev) {
    env.DRBD_MINOR = String(dev.minor);
    env.DRBD_VOLUME = String(dev.vnr);
    env.DRBD_BACKING_DEV = dev.backingPath;
  }
  if (conn) {
    env.DRBD_PEER_ADDRESS = conn.path.peerAddress;
    env.DRBD_PEER_AF = "ipv4";
    env.DRBD_PEER_NODE_ID = String(conn.peerNodeId);
    env.DRBD_CSTATE = conn.cstate;
  }
  if (!line) {
    // drbdadm exits 0 when no handler is configured for that event
    res.node.dmesg.append(`${prefix}: helper command: /sbin/drbdadm ${cmd} exit code 0`);
    return;
  }
  k.world.enqueue(node, `drbd handler ${cmd}`, async () => {
    const r = await k.world.exec(node, line, { env });
    const code = r.exitCode;
    node.dmesg.append(
      code === 0
        ? `${prefix}: helper command: /sbin/drbdadm ${cmd} exit code 0`
        : `${prefix}: helper command: /sbin/drbdadm ${cmd} exit code ${code} (0x${(code << 8).toString(16)})`,
    );
  });
}
