/**
 * Module-level weak tables that hold lab state keyed by engine objects (a DRBD connection's
 * send buffer, the addresses `ip addr add` gave a node...). A WeakMap cannot be enumerated, so
 * each one is registered here by name: a checkpoint (engine/checkpoint.ts) looks up the
 * entries of the objects it saves and restores them with the objects.
 */
const tables = new Map<string, WeakMap<object, unknown> | WeakSet<object>>();

/** A WeakMap whose entries a checkpoint carries. */
export function sideTable<K extends object, V>(name: string): WeakMap<K, V> {
  const t = new WeakMap<K, V>();
  tables.set(name, t as unknown as WeakMap<object, unknown>);
  return t;
}

/** A WeakSet whose members a checkpoint carries. */
export function sideSet<K extends object>(name: string): WeakSet<K> {
  const t = new WeakSet<K>();
  tables.set(name, t as unknown as WeakSet<object>);
  return t;
}

/** The registered tables, by name (sorted: a checkpoint lists them in a stable order). */
export function sideTables(): [string, WeakMap<object, unknown> | WeakSet<object>][] {
  return [...tables.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
