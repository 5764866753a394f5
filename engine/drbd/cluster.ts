/**
 * Connections between nodes over world.net: Connecting → (both ends up, configured for each
 * other, reachable) → handshake one round trip later; loss detection after ping-int +
 * ping-timeout when idle (or `timeout` with I/O pending): NetworkFailure → Unconnected →
 * Connecting; graceful disconnect of the peer: TearDown. Timers are guarded by the node's
 * boot and the connection's epoch, so a crash or a reconnect cancels them.
 */
import { rebindable } from "../core/rebind";
import { sideTable } from "../core/side-tables";
import { tryOutdatePeer } from "./fencing";
import { runHandler } from "./handlers";
import { establish } from "./handshake";
import type { DrbdKernel } from "./kernel";
import type { Connection, Resource } from "./objects";
import { interruptResync } from "./sync";
import { twopcAfterLostPeer } from "./twopc";

export class Cluster {
  constructor(readonly k: DrbdKernel) {}

  /** Packets get through both ways on the connection's path (iptables, netem loss, crashes). */
  reachable(a: Resource, c: Connection): boolean {
    const net = this.k.world.net;
    return (
      net.canReach(a.node.name, c.peerName, c.path.port) && net.canReach(c.peerName, a.node.name, c.path.localPort)
    );
  }

  /** StandAlone → Unconnected → Connecting (drbdsetup connect). */
  startConnecting(res: Resource, c: Connection, tag = "connect"): void {
    this.k.change(
      res,
      () => {
        c.cstate = "Unconnected";
      },
      { tag },
    );
    // the receiver thread starts and goes Connecting (K9 conn_connect "connecting")
    this.k.change(
      res,
      () => {
        c.cstate = "Connecting";
      },
      { tag: "connecting" },
    );
    c.connectingSinceUs = this.k.world.clock.now;
    c.epoch++;
    this.attempt(res, c, 0);
    // the peer may have been waiting for us
    const p = this.k.peerSide(res, c);
    if (p && p.conn.cstate === "Connecting") this.attempt(p.res, p.conn, 0);
  }

  /** Try to connect after `delayUs` (guarded); real DRBD retries every connect-int. */
  attempt(res: Resource, c: Connection, delayUs: number): void {
    const k = this.k;
    k.world.clock.cancel(c.connectTimer);
    c.connectTimer = k.world.clock.schedule(
      delayUs,
      `drbd connect ${res.name} ${res.node.name}->${c.peerName}`,
      onConnect(this, res, c, c.epoch, res.boot),
    );
  }

  /** Next connect-int retry instant for a Connecting connection. */
  private nextRetryDelay(c: Connection): number {
    const now = this.k.world.clock.now;
    const period = c.net.connectIntUs;
    const since = now - c.connectingSinceUs;
    return period - (since % period);
  }

  /** The link to the peer is gone: → reason state → Unconnected → Connecting. */
  lose(
    res: Resource,
    c: Connection,
    reason: "NetworkFailure" | "BrokenPipe" | "Timeout" | "TearDown",
    tag: string,
  ): void {
    const k = this.k;
    if (c.cstate !== "Connected") return;
    k.world.clock.cancel(c.lossTimer);
    c.lossTimer = undefined;
    for (const [vnr, pd] of c.peerDevices) {
      const dev = res.devices.get(vnr);
      if (dev && pd.resync) interruptResync(k, { res, conn: c, dev, pd });
    }
    c.reconnect = reason !== "TearDown";
    c.epoch++;
    // K9 drbd_control_event: change_cstate(C_NETWORK_FAILURE) carries no tag
    k.change(
      res,
      () => {
        c.cstate = reason;
      },
      reason === "TearDown" ? { tag } : {},
    );
    // K9 conn_disconnect: restart the sender, close, "disconnected" helper, → Unconnected,
    // the receiver thread restarts and goes Connecting
    if (reason !== "TearDown") {
      k.logConn(res, c, "Terminating sender thread");
      k.logConn(res, c, `Starting sender thread (from drbd_r_${res.name} [${receiverPid(k, c)}])`);
    }
    k.logConn(res, c, "Connection closed");
    runHandler(k, res, "disconnected", undefined, c);
    k.change(
      res,
      () => {
        c.cstate = "Unconnected";
      },
      { tag: "disconnected" },
    );
    k.logConn(res, c, "Restarting receiver thread");
    k.change(
      res,
      () => {
        c.cstate = "Connecting";
      },
      { tag: "connecting" },
    );
    c.connectingSinceUs = k.world.clock.now;
    this.attempt(res, c, this.reachable(res, c) ? c.net.connectIntUs : this.nextRetryDelay(c));
    // K9 update_members → twopc_after_lost_peer (a graceful TearDown was the peer's own 2PC)
    twopcAfterLostPeer(k, res, "lost-peer", reason !== "TearDown");
    // a Primary that lost its peer tries to outdate it (K9 conn_try_outdate_peer_async)
    if (res.role === "Primary" && c.net.fencing !== "dont-care" && reason !== "TearDown")
      k.world.enqueue(res.node, "drbd fence-peer", async () => {
        await tryOutdatePeer(k, res, c, "outdate-async");
      });
  }

  /** Schedule ping-timeout detection of a dead link (unless an earlier one is pending). */
  detectLoss(res: Resource, c: Connection, delayUs: number): number {
    const k = this.k;
    const at = k.world.clock.now + delayUs;
    const pending = k.world.clock.pending().find((t) => t.label === lossLabel(res, c));
    if (c.lossTimer !== undefined && pending && pending.at <= at) return pending.at;
    k.world.clock.cancel(c.lossTimer);
    c.lossTimer = k.world.clock.scheduleAt(at, lossLabel(res, c), onLossTimeout(this, res, c, c.epoch));
    return at;
  }

  /** Idle detection delay: ping-int + ping-timeout. */
  idleDetectUs(c: Connection): number {
    return c.net.pingIntUs + c.net.pingTimeoutUs;
  }

  /** world.net changed: dead links get a loss timer, healed links a connect attempt. */
  onNetChange(): void {
    for (const res of this.k.allResources()) {
      if (!this.k.alive(res)) continue;
      for (const c of res.connections.values()) {
        if (c.cstate === "Connected" && !this.reachable(res, c)) this.detectLoss(res, c, this.idleDetectUs(c));
        // a pending attempt or handshake keeps its time; an idle Connecting retries at the next connect-int
        else if (c.cstate === "Connecting" && this.reachable(res, c) && c.connectTimer === undefined)
          this.attempt(res, c, this.nextRetryDelay(c));
      }
    }
  }

  /** A node crashed: its peers notice after the ping timeout. */
  onPeerCrash(nodeName: string): void {
    for (const res of this.k.allResources()) {
      if (!this.k.alive(res)) continue;
      const c = res.connections.get(nodeName);
      if (c?.cstate === "Connected") this.detectLoss(res, c, this.idleDetectUs(c));
    }
  }

  /** The peer closed the connection gracefully (disconnect/down): we see TearDown at once. */
  peerClosed(res: Resource, c: Connection): void {
    if (c.cstate !== "Connected") return;
    this.k.logConn(res, c, "sock was shut down by peer");
    this.lose(res, c, "TearDown", "receive-disconnect");
  }
}

/** The pid of the connection's receiver kernel thread (drbd_r_<res>), fixed once per connection. */
const receiverPids = sideTable<Connection, number>("drbd.receiverPids");
function receiverPid(k: DrbdKernel, c: Connection): number {
  let pid = receiverPids.get(c);
  if (pid === undefined) {
    pid = k.nextKthreadPid();
    receiverPids.set(c, pid);
  }
  return pid;
}

function lossLabel(res: Resource, c: Connection): string {
  return `drbd ping-timeout ${res.node.name}:${res.name}->${c.peerName}`;
}

// the connection's timers, as closures a checkpoint can carry (core/rebind.ts)

/** A connect attempt: TCP connect and feature exchange, one round trip, then the handshake. */
const onConnect = rebindable(
  "drbd.connect",
  (cl: Cluster, res: Resource, c: Connection, epoch: number, boot: number) => () => {
    const k = cl.k;
    c.connectTimer = undefined;
    if (!k.alive(res) || res.boot !== boot || c.epoch !== epoch || c.cstate !== "Connecting") return;
    const p = k.peerSide(res, c);
    if (!p || p.conn.cstate !== "Connecting" || !cl.reachable(res, c)) return;
    const rtt = 2 * k.world.net.path(res.node.name, c.peerName).latencyUs;
    k.world.clock.cancel(p.conn.connectTimer);
    c.connectTimer = k.world.clock.schedule(
      rtt,
      `drbd handshake ${res.name}`,
      onHandshake(cl, res, c, p.res, p.conn, epoch, p.conn.epoch),
    );
  },
);

const onHandshake = rebindable(
  "drbd.handshake",
  (cl: Cluster, res: Resource, c: Connection, pres: Resource, pconn: Connection, epoch: number, pe: number) => () => {
    const k = cl.k;
    c.connectTimer = undefined;
    if (!k.alive(res) || !k.alive(pres) || c.epoch !== epoch || pconn.epoch !== pe) return;
    if (c.cstate !== "Connecting" || pconn.cstate !== "Connecting" || !cl.reachable(res, c)) return;
    establish(k, { res, conn: c }, { res: pres, conn: pconn });
  },
);

/** The peer's PingAck did not come in time: the connection is lost (unless the link healed). */
const onLossTimeout = rebindable(
  "drbd.lossTimeout",
  (cl: Cluster, res: Resource, c: Connection, epoch: number) => () => {
    const k = cl.k;
    c.lossTimer = undefined;
    if (!k.alive(res) || c.epoch !== epoch || c.cstate !== "Connected") return;
    const p = k.peerSide(res, c);
    if (p && cl.reachable(res, c) && p.conn.cstate === "Connected") return; // link healed in time
    k.logConn(res, c, "PingAck did not arrive in time.");
    cl.lose(res, c, "NetworkFailure", "lost-peer");
  },
);
