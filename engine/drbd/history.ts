/**
 * The typed state history of every node's DRBD objects, fed by the one state door (K9
 * drbd_state.c broadcast_state_change → notify_resource_state_change,
 * notify_connection_state_change, notify_device_state_change,
 * notify_peer_device_state_change; `drbdsetup events2` is a printer of them). Each event says
 * which object changed, from what to what, at which virtual time, and which lab event (the
 * command or wait being run, 0-based like the stored rows' seq) caused it. Graders, the cluster
 * view and the replay timeline read this, never kernel-log text.
 */
import type { Resource } from "./objects";
import type { Snap } from "./state-engine";

export type StateObject = "resource" | "connection" | "device" | "peer-device";

/** The fields events2 prints per object (role, susp, cstate, disk, quorum, repl, pdsk…). */
export type StateField =
  | "role"
  | "suspended"
  | "connection"
  | "peer-role"
  | "disk"
  | "quorum"
  | "peer-disk"
  | "replication"
  | "resync-suspended";

export interface FieldChange {
  field: StateField;
  from: string;
  to: string;
}

interface EventBase {
  /** Order in the history (0, 1, 2…). */
  id: number;
  atUs: number;
  /** Index of the lab event that caused it (0-based, as the stored rows' seq); null: scenario setup. */
  cause: number | null;
  node: string;
  resource: string;
}

/** events2 `change <object>`: one object's fields changed in one state transition. */
export interface StateChangeEvent extends EventBase {
  kind: "change";
  object: StateObject;
  /** Connection and peer-device: the peer's node name. */
  peer?: string;
  /** Device and peer-device: the volume number. */
  volume?: number;
  changes: FieldChange[];
  /** What caused the transition in DRBD's words (`[primary]`, `[connect]`, `[pri-lost]`…). */
  tag?: string;
}

/** events2 `create resource` / `destroy resource` (drbdadm up/down, a crash drops them all). */
export interface ResourceLifeEvent extends EventBase {
  kind: "create" | "destroy";
  object: "resource";
  /** destroy: the node crashed (the kernel state is gone) rather than `drbdadm down`. */
  crash?: boolean;
}

/**
 * The split-brain found at a handshake (drbd_sync_handshake), as events2's `call helper
 * name:split-brain`, with how it ended: solved by an after-sb policy, by --discard-my-data, or
 * not at all (the connection is dropped, StandAlone).
 */
export interface SplitBrainEvent extends EventBase {
  kind: "split-brain";
  object: "peer-device";
  peer: string;
  volume: number;
  resolution: "automatic" | "manual" | "unresolved";
  /** Which side's data wins, as this node sees it; null when unresolved. */
  syncFrom: "peer" | "this" | null;
  /** Number of Primary nodes at the handshake (automatic resolution). */
  primaries?: number;
}

export type StateEvent = StateChangeEvent | ResourceLifeEvent | SplitBrainEvent;

/** Distributive Omit: keeps each member of the union. */
type NewEvent = StateEvent extends infer E ? (E extends StateEvent ? Omit<E, "id" | "atUs" | "cause"> : never) : never;

/** The history keeps this many events; older ones are dropped (a lab that loops forever). */
export const HISTORY_MAX = 50_000;

export class StateHistory {
  private readonly list: StateEvent[] = [];
  private nextId = 0;
  /** Set by the lab around each event it runs (command or wait). */
  cause: number | null = null;

  constructor(private readonly now: () => number) {}

  /** Every event so far, oldest first (a copy). */
  events(): StateEvent[] {
    return this.list.slice();
  }

  get length(): number {
    return this.list.length;
  }

  /** The events from `id` on (cheap incremental reads by the worker and the views). */
  since(id: number): StateEvent[] {
    const first = this.list[0]?.id ?? 0;
    return this.list.slice(Math.max(0, id - first));
  }

  /** The scenario's setup is over: what happened so far was not the learner's doing. */
  endSetup(): void {
    for (const e of this.list) e.cause = null;
    this.cause = null;
  }

  push(e: NewEvent): void {
    this.list.push({ ...e, id: this.nextId++, atUs: this.now(), cause: this.cause } as StateEvent);
    if (this.list.length > HISTORY_MAX) this.list.splice(0, this.list.length - HISTORY_MAX);
  }

  created(res: Resource): void {
    this.push({ kind: "create", object: "resource", node: res.node.name, resource: res.name });
  }

  destroyed(res: Resource, crash = false): void {
    this.push({
      kind: "destroy",
      object: "resource",
      node: res.node.name,
      resource: res.name,
      ...(crash ? { crash: true } : {}),
    });
  }

  splitBrain(
    res: Resource,
    peer: string,
    volume: number,
    resolution: SplitBrainEvent["resolution"],
    syncFrom: SplitBrainEvent["syncFrom"],
    primaries?: number,
  ): void {
    this.push({
      kind: "split-brain",
      object: "peer-device",
      node: res.node.name,
      resource: res.name,
      peer,
      volume,
      resolution,
      syncFrom,
      ...(primaries !== undefined ? { primaries } : {}),
    });
  }

  /** One committed transition of the door, split per object as broadcast_state_change does. */
  changed(res: Resource, o: Snap, n: Snap, tag?: string): void {
    const base = { kind: "change" as const, node: res.node.name, resource: res.name, ...(tag ? { tag } : {}) };
    const r: FieldChange[] = [];
    diff(r, "role", o.role, n.role);
    diff(r, "suspended", o.susp, n.susp);
    if (r.length) this.push({ ...base, object: "resource", changes: r });
    for (const [peer, cn] of n.conns) {
      const co = o.conns.get(peer);
      if (!co) continue;
      const c: FieldChange[] = [];
      diff(c, "connection", co.cstate, cn.cstate);
      diff(c, "peer-role", co.peerRole, cn.peerRole);
      if (c.length) this.push({ ...base, object: "connection", peer, changes: c });
    }
    for (const [volume, dn] of n.devs) {
      const dO = o.devs.get(volume);
      if (!dO) continue;
      const d: FieldChange[] = [];
      diff(d, "disk", dO.disk, dn.disk);
      diff(d, "quorum", dO.quorum ? "yes" : "no", dn.quorum ? "yes" : "no");
      if (d.length) this.push({ ...base, object: "device", volume, changes: d });
    }
    for (const [key, pn] of n.pds) {
      const po = o.pds.get(key);
      if (!po) continue;
      const slash = key.lastIndexOf("/");
      const p: FieldChange[] = [];
      diff(p, "peer-disk", po.peerDisk, pn.peerDisk);
      diff(p, "replication", po.repl, pn.repl);
      diff(p, "resync-suspended", po.susp, pn.susp);
      if (p.length)
        this.push({
          ...base,
          object: "peer-device",
          peer: key.slice(0, slash),
          volume: Number(key.slice(slash + 1)),
          changes: p,
        });
    }
  }
}

function diff(out: FieldChange[], field: StateField, from: string, to: string): void {
  if (from !== to) out.push({ field, from, to });
}
