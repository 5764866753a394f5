import { frNumber } from "../format";
import type { CheckOutcome } from "../types";
import type { LabCtx } from "./context";

/**
 * Reusable lab predicates, each returning what was actually observed so the failure message
 * can say what is wrong ("node2 : rôle Primary, disque Inconsistent").
 */
export function roleAndDisk(ctx: LabCtx, node: string, role: string, disk: string, resource = "r0"): CheckOutcome {
  if (ctx.state.nodes[node]?.state !== "running") return { passed: false, detail: `${node} n’est pas démarré.` };
  const s = ctx.drbd(node, resource);
  if (!s) return { passed: false, detail: `${node} : la ressource ${resource} n’est pas active (drbdadm up ?).` };
  const d = s.devices[0]?.disk ?? "?";
  return s.role === role && d === disk
    ? { passed: true }
    : { passed: false, detail: `${node} : rôle ${s.role}, disque ${d}.` };
}

/** `node` sees `peer` connected, replication finished and the peer's disk UpToDate. */
export function inSyncWith(ctx: LabCtx, node: string, peer: string, resource = "r0"): CheckOutcome {
  const s = ctx.drbd(node, resource);
  const c = s?.connections.find((x) => x.peer === peer);
  if (!s || !c) return { passed: false, detail: `${node} n’a pas de connexion vers ${peer} pour ${resource}.` };
  if (c.cstate !== "Connected") return { passed: false, detail: `${node} → ${peer} : connexion ${c.cstate}.` };
  const pd = c.peerDevices[0];
  if (pd?.replication !== "Established" || pd.peerDisk !== "UpToDate") {
    const done = pd?.done != null ? ` (${frNumber(pd.done, { minDecimals: 2 })} %)` : "";
    return {
      passed: false,
      detail: `${node} → ${peer} : réplication ${pd?.replication ?? "?"}, disque du pair ${pd?.peerDisk ?? "?"}${done}.`,
    };
  }
  return { passed: true };
}

export function mountedAt(ctx: LabCtx, node: string, device: string, mountpoint: string): CheckOutcome {
  const mounts = ctx.state.nodes[node]?.mounts ?? [];
  const m = mounts.find((x) => x.mountpoint === mountpoint);
  if (!m) return { passed: false, detail: `Rien n’est monté sur ${mountpoint} sur ${node}.` };
  return m.device === device
    ? { passed: true }
    : { passed: false, detail: `${node} : ${m.device} est monté sur ${mountpoint}, pas ${device}.` };
}

/** A file of the given size under a mount point that must be the given device (data on DRBD). */
export async function fileOnDevice(
  ctx: LabCtx,
  node: string,
  mount: { device: string; mountpoint: string },
  path: string,
  size: number | "non-empty",
): Promise<CheckOutcome> {
  const m = mountedAt(ctx, node, mount.device, mount.mountpoint);
  const f = await ctx.file(node, path);
  if (f && !m.passed)
    return { passed: false, detail: `${path} existe sur ${node}, mais pas sur ${mount.device} : ${m.detail}` };
  if (!f) return { passed: false, detail: `${path} n’existe pas sur ${node}.` };
  if (!f) return { passed: false, detail: `${path} n’existe pas sur ${node}.` };
  if (size === "non-empty") return f.size > 0 ? { passed: true } : { passed: false, detail: `${path} est vide.` };
  return f.size === size
    ? { passed: true }
    : { passed: false, detail: `${path} fait ${f.size} octets au lieu de ${size}.` };
}

/**
 * The learner's successful commands matching `re` (any machine or the one they ran on, whichever
 * terminal carried them: `docker exec -it drbd-node1 bash` in the host tab, then commands), with
 * their times.
 */
export function succeeded(ctx: LabCtx, re: RegExp, machine?: string): { index: number; atUs: number; input: string }[] {
  const out: { index: number; atUs: number; input: string }[] = [];
  ctx.commands.forEach((c, index) => {
    if (c.exitCode === 0 && (machine === undefined || c.machine === machine) && re.test(c.input)) {
      out.push({ index, atUs: c.atUs, input: c.input });
    }
  });
  return out;
}

/**
 * A node's role for `resource` at a virtual time, from its kernel log (`drbd r0: role( A -> B )`,
 * K9 print_state_change); Secondary before any change. The log restarts at each boot.
 */
export function roleAt(ctx: LabCtx, node: string, atUs: number, resource = "r0"): string {
  let role = "Secondary";
  const re = new RegExp(`^drbd ${resource}: role\\( (\\w+) -> (\\w+) \\)`);
  for (const e of ctx.dmesg(node)) {
    if (e.timeUs > atUs) break;
    const m = re.exec(e.text);
    if (m) role = m[2] as string;
  }
  return role;
}

/** First kernel log line of `node` at or after `fromUs` matching `re`. */
export function logAfter(
  ctx: LabCtx,
  node: string,
  re: RegExp,
  fromUs = 0,
): { timeUs: number; text: string } | undefined {
  return ctx.dmesg(node).find((e) => e.timeUs >= fromUs && re.test(e.text));
}
