/**
 * The DRBD kernel module of every node: resources by node, the kernel log, the state-engine
 * hooks (after_state_ch: meta-data flags, UUID rotation, propagation to peers) and the lookup
 * of the peer side of a connection. One instance per world (the `drbd` subsystem owns it).
 */
import type { Rng } from "../core/rng";
import type { LabNode, World } from "../world/types";
import type { Cluster } from "./cluster";
import { StateHistory } from "./history";
import { type MetaData, MetaDataStore, peerMd } from "./metadata";
import type { Connection, Device, Resource } from "./objects";
import { type ChangeOptions, changeState, type Snap, type StateHooks, type StateResult } from "./state-engine";

export const DRBD_VERSION = "9.2.10";
export const API_VERSION = "2";
export const PROTO_RANGE = "86-122";
export const PROTO_AGREED = 122;

export class DrbdKernel {
  readonly md = new MetaDataStore();
  /** Typed state events of every node (events2), fed by the state door. */
  readonly history: StateHistory;
  private byNode = new Map<string, Map<string, Resource>>();
  /** Extra after-commit listeners (cluster: resync bookkeeping, quorum, handlers). */
  private listeners: ((res: Resource, old: Snap, now: Snap, opts: ChangeOptions) => void)[] = [];
  readonly hooks: StateHooks;
  /** Set by the subsystem right after construction. */
  cluster!: Cluster;
  private pid = 4242;

  /** Deterministic pids for openers (status -v opener lines). */
  nextPid(): number {
    return this.pid++;
  }

  private kthreadPid = 1873;
  /** Deterministic pids of DRBD kernel threads (drbd_r_<res> in "Starting sender thread" lines). */
  nextKthreadPid(): number {
    return this.kthreadPid++;
  }

  /** DRBD's own stream (generation UUIDs, two-phase-commit ids), forked from world.rng once. */
  readonly rng: Rng;

  constructor(readonly world: World) {
    this.rng = world.rng.fork("drbd");
    this.history = new StateHistory(() => world.clock.now);
    this.hooks = {
      log: (res, line) => res.node.dmesg.append(line),
      broadcast: (res, old, now, tag) => this.history.changed(res, old, now, tag),
      afterCommit: (res, old, now, opts) => this.afterCommit(res, old, now, opts),
    };
  }

  /** Listen to every commit; the returned function stops listening. */
  onCommit(fn: (res: Resource, old: Snap, now: Snap, opts: ChangeOptions) => void): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((f) => f !== fn);
    };
  }

  resources(node: LabNode): Map<string, Resource> {
    let m = this.byNode.get(node.name);
    if (!m) {
      m = new Map();
      this.byNode.set(node.name, m);
    }
    return m;
  }

  resource(node: LabNode, name: string): Resource | undefined {
    return this.byNode.get(node.name)?.get(name);
  }

  allResources(): Resource[] {
    return [...this.byNode.values()].flatMap((m) => [...m.values()]);
  }

  /** Forget every resource of a node (crash: the kernel state is gone). */
  dropNode(node: LabNode, crash = false): void {
    for (const res of this.byNode.get(node.name)?.values() ?? []) this.history.destroyed(res, crash);
    this.byNode.delete(node.name);
  }

  log(res: Resource, line: string): void {
    res.node.dmesg.append(line);
  }
  logConn(res: Resource, c: Connection, text: string): void {
    res.node.dmesg.append(`drbd ${res.name} ${c.peerName}: ${text}`);
  }
  logDev(res: Resource, d: Device, text: string): void {
    res.node.dmesg.append(`drbd ${res.name}/${d.vnr} drbd${d.minor}: ${text}`);
  }
  logPd(res: Resource, d: Device, c: Connection, text: string): void {
    res.node.dmesg.append(`drbd ${res.name}/${d.vnr} drbd${d.minor} ${c.peerName}: ${text}`);
  }

  change(res: Resource, mutate: (r: Resource) => void, opts: ChangeOptions = {}): StateResult {
    return changeState(res, mutate, this.hooks, opts);
  }

  /** Is the resource object still alive (same boot, still registered)? */
  alive(res: Resource): boolean {
    return res.node.state === "running" && res.node.bootCount === res.boot && this.resource(res.node, res.name) === res;
  }

  /** The peer's resource and its connection back to us, if the peer node runs it. */
  peerSide(res: Resource, c: Connection): { res: Resource; conn: Connection } | null {
    const node = this.world.node(c.peerName);
    if (!node || node.state !== "running") return null;
    const pr = this.resource(node, res.name);
    const back = pr?.connections.get(res.node.name);
    return pr && back ? { res: pr, conn: back } : null;
  }

  private afterCommit(res: Resource, old: Snap, now: Snap, opts: ChangeOptions): void {
    for (const d of res.devices.values()) {
      const md = d.md;
      if (!md) continue;
      if (d.disk === "UpToDate") {
        md.consistent = true;
        md.wasUpToDate = true;
      } else if (d.disk === "Outdated") {
        md.consistent = true;
        md.wasUpToDate = false;
      } else if (d.disk === "Consistent") md.consistent = true;
      else if (d.disk === "Inconsistent") {
        md.consistent = false;
        md.wasUpToDate = false;
      }
      md.primary = res.role === "Primary";
      if (d.disk !== "Negotiating") mdFlagsAfterChange(res, d, md);
      // DRBD 9: a Primary that lost (or never had) a peer gets a new current UUID at its first write
      if (res.role === "Primary") {
        for (const c of res.connections.values()) {
          const was = old.conns.get(c.peerName)?.cstate;
          const pd = c.peerDevices.get(d.vnr);
          if (
            c.cstate !== "Connected" &&
            (was === "Connected" || old.role !== "Primary") &&
            peerMd(md, c.peerNodeId).bitmapUuid === 0n
          )
            d.uuidRotatePending = true;
          // the peer lost its disk (detach, I/O error): same as losing the peer for its data
          const pdWas = old.pds.get(`${c.peerName}/${d.vnr}`)?.peerDisk;
          if (
            pd &&
            c.cstate === "Connected" &&
            pd.peerDisk === "Diskless" &&
            pdWas !== "Diskless" &&
            peerMd(md, c.peerNodeId).bitmapUuid === 0n
          )
            d.uuidRotatePending = true;
          if (pd && c.cstate === "Connected" && pd.peerDisk === "Outdated")
            peerMd(md, c.peerNodeId).peerOutdated = true;
        }
      }
    }
    this.propagate(res, opts);
    for (const fn of this.listeners) fn(res, old, now, opts);
  }

  /** Tell connected peers about our role and disk states (they log `peer(...)`/`pdsk(...)`). */
  propagate(res: Resource, opts: ChangeOptions = {}): void {
    for (const c of res.connections.values()) {
      if (c.cstate !== "Connected") continue;
      const p = this.peerSide(res, c);
      if (!p || p.conn.cstate !== "Connected") continue;
      // disks are exchanged by the handshake: before it (repl Off) only the role travels
      const live = (vnr: number) => (p.conn.peerDevices.get(vnr)?.repl ?? "Off") !== "Off";
      const stale =
        p.conn.peerRole !== res.role ||
        [...res.devices.values()].some((d) => live(d.vnr) && p.conn.peerDevices.get(d.vnr)?.peerDisk !== d.disk);
      if (!stale) continue;
      this.change(
        p.res,
        () => {
          p.conn.peerRole = res.role;
          for (const d of res.devices.values()) {
            const pd = p.conn.peerDevices.get(d.vnr);
            if (pd && live(d.vnr)) pd.peerDisk = d.disk;
          }
        },
        { tag: opts.peerTag ?? opts.tag },
      );
    }
  }
}

/**
 * The meta-data flags K9 finish_state_change() writes while a disk is attached: per peer slot
 * MDF_PEER_CONNECTED (repl > Off), MDF_PEER_FENCING, MDF_PEER_DEVICE_SEEN (the peer had a disk,
 * never cleared), MDF_NODE_EXISTS (a connection was established once); MDF_HAVE_QUORUM and the
 * members mask (the node itself and the peers it is connected to, update_members()).
 */
function mdFlagsAfterChange(res: Resource, d: Device, md: MetaData): void {
  let members = 1n << BigInt(res.nodeId);
  for (const c of res.connections.values()) {
    const slot = md.peers.get(c.peerNodeId);
    const pd = c.peerDevices.get(d.vnr);
    // K9 drbd_connected(): USE_DEGR_WFC_T is cleared once the peer is there
    if ((pd?.repl ?? "Off") !== "Off") d.useDegrWfc?.delete(c.peerNodeId);
    if (c.cstate === "Connected") {
      members |= 1n << BigInt(c.peerNodeId);
      if (slot) slot.exists = true;
    }
    if (!slot || slot.bitmapIndex < 0) continue;
    slot.connected = (pd?.repl ?? "Off") !== "Off";
    slot.fencing = c.net.fencing !== "dont-care";
    const pdsk = pd?.peerDisk ?? "DUnknown";
    if (["Inconsistent", "Outdated", "Consistent", "UpToDate"].includes(pdsk)) slot.seen = true;
  }
  md.members = members;
  md.alClean = false;
  md.haveQuorum = d.quorum;
}
