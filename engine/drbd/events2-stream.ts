/**
 * `drbdsetup events2` without --now: after the `exists` lines and `exists -`, one line per
 * object each time the kernel reports a change, as drbd-utils prints them
 * (user/v9/drbdsetup_events2.c print_changes): drbdsetup keeps every object it was told about
 * and prints `change <object> <its keys>` with only the groups of fields that changed (role;
 * suspended; may_promote with promotion_score; connection; disk with its companions;
 * replication; peer-disk with peer-client; resync-suspended; established), `create …` for a
 * new object with all its fields and `destroy …` with its keys. The kernel's notifications are
 * the state door's commits (DrbdKernel.onCommit): each commit is compared with the last view.
 */
import type { DrbdKernel } from "./kernel";
import type { Resource } from "./objects";
import { events2 } from "./status";

type Kind = "resource" | "connection" | "device" | "peer-device" | "path";

/** Fields naming the object (printed on every line), per kind. */
const KEYS: Record<Kind, string[]> = {
  resource: ["name"],
  connection: ["name", "peer-node-id", "conn-name"],
  device: ["name", "volume", "minor"],
  "peer-device": ["name", "peer-node-id", "conn-name", "volume"],
  path: ["name", "peer-node-id", "conn-name", "local", "peer"],
};

/** Fields printed together when one of them changed (print_*_changes). */
const GROUPS: Record<Kind, string[][]> = {
  resource: [["role"], ["suspended"], ["force-io-failures"], ["may_promote", "promotion_score"], ["write-ordering"]],
  connection: [["connection"], ["role"]],
  device: [["backing_dev", "disk", "client", "quorum"]],
  "peer-device": [["replication"], ["peer-disk", "peer-client"], ["resync-suspended"]],
  path: [["established"]],
};

interface Obj {
  kind: Kind;
  id: string;
  keys: string;
  fields: Map<string, string>;
  line: string;
}

function parse(line: string): Obj | null {
  const [, kind, ...rest] = line.split(" ");
  if (!kind || !(kind in KEYS)) return null;
  const k = kind as Kind;
  const fields = new Map<string, string>();
  for (const f of rest) {
    const i = f.indexOf(":");
    fields.set(f.slice(0, i), f.slice(i + 1));
  }
  const keys = KEYS[k].map((n) => `${n}:${fields.get(n) ?? ""}`).join(" ");
  return { kind: k, id: `${k} ${keys}`, keys, fields, line: rest.join(" ") };
}

/** The objects of these resources in drbdsetup's order (the `exists` lines, parsed). */
export function view(k: DrbdKernel, resources: Resource[], statistics: boolean): Obj[] {
  return events2(k, resources, statistics)
    .split("\n")
    .map(parse)
    .filter((o): o is Obj => o !== null);
}

/** print_changes destroys paths and peer devices, then connections, devices, the resource. */
const DESTROY_ORDER: Kind[] = ["path", "peer-device", "connection", "device", "resource"];

/** The lines print_changes prints going from one view to the next. */
export function changeLines(before: Obj[], after: Obj[]): string[] {
  const old = new Map(before.map((o) => [o.id, o]));
  const now = new Set(after.map((o) => o.id));
  const out: string[] = [];
  for (const o of after) {
    const was = old.get(o.id);
    if (!was) {
      out.push(`create ${o.kind} ${o.line}`);
      continue;
    }
    const changed = GROUPS[o.kind]
      .filter((g) => g.some((f) => was.fields.get(f) !== o.fields.get(f)))
      .flat()
      .filter((f) => o.fields.has(f));
    // a running resync's progress rides along with another change of the peer device
    if (changed.length && o.fields.has("done")) changed.push("done");
    if (changed.length)
      out.push(`change ${o.kind} ${o.keys} ${changed.map((f) => `${f}:${o.fields.get(f)}`).join(" ")}`);
  }
  // destroyed objects last, the resource after its parts
  const gone = before.filter((o) => !now.has(o.id));
  gone.sort((a, b) => DESTROY_ORDER.indexOf(a.kind) - DESTROY_ORDER.indexOf(b.kind));
  for (const o of gone) out.push(`destroy ${o.kind} ${o.keys}`);
  return out;
}
