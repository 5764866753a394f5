/**
 * The Pacemaker/Corosync subsystem: one CIB shared by the nodes of the cluster (it is
 * replicated), corosync membership from network reachability with the token/consensus delay,
 * votequorum (two_node + wait_for_all for two nodes), and the transitions the policy engine
 * computes, run as the agents' shell commands on the nodes (`drbdadm primary r0`, `mount`,
 * `ip addr add`) on the virtual clock.
 */
import { US_PER_MS, US_PER_S } from "../../core/clock";
import { rebindable } from "../../core/rebind";
import { wallClockMs } from "../../core/time";
import { DRBD_LIB_FILES } from "../../scripts/generated";
import type { LabFs } from "../../shell/lab-fs";
import type { LabNode, ProcessInfo, Subsystem, World } from "../../world/types";
import { actionCommand, probe } from "./agents";
import { type Cib, cloneOf, type FailedAction } from "./model";
import { pcsCommands } from "./pcs";
import { actualPlacement, desiredPlacement, type Probes, planTransition } from "./scheduler";
import type { View } from "./status";

/** corosync 3 defaults: token 3000 ms, consensus 1.2 × token. */
export const TOKEN_US = 3 * US_PER_S;
export const CONSENSUS_US = 3600 * US_PER_MS;
/** Wait between two transitions while the cluster has not converged (e.g. DRBD refusing to promote). */
export const RETRY_US = 2 * US_PER_S;
const MAX_RETRIES = 45;
export const COROSYNC_PORT = 5405;

interface Daemons {
  running: boolean;
  enabled: boolean;
}

export class PacemakerCluster implements Subsystem {
  readonly name = "pacemaker";
  private w: World | undefined;
  cib: Cib | null = null;
  /** Hosts `pcs host auth` has tokens for. */
  readonly authed = new Set<string>();
  readonly daemons = new Map<string, Daemons>();
  /** Agreed corosync membership: partitions, in configuration order. */
  view: string[][] = [];
  /** The designated controller of each partition. */
  dcs: string[] = [];
  failures: FailedAction[] = [];
  /** votequorum wait_for_all: quorum only after all nodes were seen together once. */
  private allSeen = false;
  private peQueued = false;
  private retries = 0;
  /** @internal (its timer's closure resets it) */
  membershipTimer: number | undefined;
  /** @internal */
  retryTimer: number | undefined;
  /** Nodes being stopped by `pcs cluster stop`: their resources move away first. */
  private stopping = new Set<string>();

  get world(): World {
    if (!this.w) throw new Error("pacemaker subsystem not attached");
    return this.w;
  }

  attach(world: World): void {
    this.w = world;
    world.net.onChange(() => this.membershipChanged());
    for (const node of world.nodes.values()) this.layDrbdScripts(node);
  }

  /** drbd-utils' Pacemaker handlers in /usr/lib/drbd (the node image's package), readable by `cat`. */
  private layDrbdScripts(node: LabNode): void {
    const root = (node.fs as LabFs).root;
    if (!root) return;
    const mtime = new Date(wallClockMs(this.world.clock.now));
    root.mkdirSync("/usr/lib/drbd", { recursive: true });
    for (const [name, text] of Object.entries(DRBD_LIB_FILES))
      root.writeFileSync(`/usr/lib/drbd/${name}`, text, undefined, { mode: 0o755, mtime });
  }

  commands() {
    return pcsCommands(this);
  }

  daemon(node: string): Daemons {
    let d = this.daemons.get(node);
    if (!d) {
      d = { running: false, enabled: false };
      this.daemons.set(node, d);
    }
    return d;
  }

  /** Is the cluster stack up on this node (container running, corosync + pacemaker started)? */
  up(node: string): boolean {
    return this.daemon(node).running && this.world.node(node)?.state === "running";
  }

  /** The cluster stack's daemons as `ps aux` shows them. */
  processes(node: LabNode): ProcessInfo[] {
    // listed once pcs has been used, so that labs without a cluster keep their usual `ps aux`
    if (this.authed.size === 0 && !this.cib) return [];
    const out: ProcessInfo[] = [
      {
        user: "root",
        command: "/usr/bin/ruby -I/usr/lib/pcsd /usr/lib/pcsd/pcsd",
        rssKb: 61_440,
        vszKb: 402_112,
        stat: "Ssl",
      },
    ];
    if (!this.up(node.name)) return out;
    const d = (user: string, command: string, rssKb: number, vszKb: number): ProcessInfo => ({
      user,
      command,
      rssKb,
      vszKb,
      stat: "Ss",
    });
    return [
      ...out,
      { ...d("root", "/usr/sbin/corosync -f", 166_912, 532_108), stat: "SLsl" },
      d("root", "/usr/sbin/pacemakerd", 10_240, 80_456),
      d("hacluster", "/usr/lib/pacemaker/pacemaker-based", 20_480, 93_012),
      d("root", "/usr/lib/pacemaker/pacemaker-fenced", 12_288, 86_320),
      d("root", "/usr/lib/pacemaker/pacemaker-execd", 8_192, 77_804),
      d("hacluster", "/usr/lib/pacemaker/pacemaker-attrd", 11_264, 84_972),
      d("hacluster", "/usr/lib/pacemaker/pacemaker-schedulerd", 26_624, 99_340),
      d("hacluster", "/usr/lib/pacemaker/pacemaker-controld", 19_456, 103_768),
    ];
  }

  onBoot(node: LabNode): void {
    if (this.cib?.nodes.includes(node.name) && this.daemon(node.name).enabled) this.startNodes([node.name]);
  }

  onCrash(node: LabNode): void {
    this.daemon(node.name).running = false;
    this.membershipChanged();
  }

  onShutdown(node: LabNode): void {
    // a graceful stop: pacemaker leaves the membership cleanly, the others see it at once
    this.daemon(node.name).running = false;
    this.applyMembership();
  }

  // ---- membership -----------------------------------------------------------------------

  /** Connected components of the running members (two-way reachability on corosync's port). */
  components(): string[][] {
    const cib = this.cib;
    if (!cib) return [];
    const up = cib.nodes.filter((n) => this.up(n));
    const net = this.world.net;
    const seen = new Set<string>();
    const parts: string[][] = [];
    for (const n of up) {
      if (seen.has(n)) continue;
      const part: string[] = [];
      const todo = [n];
      seen.add(n);
      while (todo.length) {
        const a = todo.shift() as string;
        part.push(a);
        for (const b of up)
          if (!seen.has(b) && net.canReach(a, b, COROSYNC_PORT) && net.canReach(b, a, COROSYNC_PORT)) {
            seen.add(b);
            todo.push(b);
          }
      }
      parts.push(cib.nodes.filter((x) => part.includes(x)));
    }
    return parts;
  }

  /** A crash or a cut link is noticed when the token is lost and consensus times out. */
  membershipChanged(): void {
    if (!this.cib || this.membershipTimer !== undefined) return;
    this.membershipTimer = this.world.clock.schedule(
      TOKEN_US + CONSENSUS_US,
      "corosync membership",
      onMembership(this),
    );
  }

  applyMembership(): void {
    const next = this.components();
    if (this.cib && next.some((p) => p.length === this.cib?.nodes.length)) this.allSeen = true;
    if (next.length === 0) this.allSeen = false;
    if (JSON.stringify(next) === JSON.stringify(this.view)) return;
    this.view = next;
    // the DC stays where it is while it remains a member; a new partition elects its first node
    this.dcs = next.map((p) => this.dcs.find((d) => p.includes(d)) ?? (p[0] as string));
    this.retries = 0;
    this.queueTransition();
  }

  partitionOf(node: string): string[] {
    return this.view.find((p) => p.includes(node)) ?? [];
  }

  quorate(part: string[]): boolean {
    const cib = this.cib;
    if (!cib || part.length === 0) return false;
    const expected = cib.nodes.length;
    if (expected === 2) return this.allSeen && part.length >= 1; // two_node: 1 (implies wait_for_all)
    return part.length * 2 > expected;
  }

  startNodes(nodes: string[]): void {
    for (const n of nodes) this.daemon(n).running = true;
    this.applyMembership();
  }

  async stopNodes(nodes: string[]): Promise<void> {
    // pacemaker moves or stops the node's resources before the daemons go (still members)
    for (const n of nodes) if (this.up(n)) this.stopping.add(n);
    await this.transition();
    for (const n of nodes) {
      this.daemon(n).running = false;
      this.stopping.delete(n);
    }
    this.applyMembership();
  }

  // ---- transitions ----------------------------------------------------------------------

  /** Run the policy engine after the current command (pacemaker reacts within a second). */
  queueTransition(): void {
    if (this.peQueued || !this.cib) return;
    const dc = this.view.flat()[0] ?? this.cib.nodes[0];
    const node = dc ? this.world.node(dc) : undefined;
    if (!node) return;
    this.peQueued = true;
    this.world.enqueue(node, "pacemaker transition", async () => {
      this.peQueued = false;
      await this.transition();
    });
  }

  /** Last monitor results per node: a member that died unnoticed still shows them. */
  private lastProbes = new Map<string, Probes[string]>();

  probes(members: string[]): Probes {
    const out: Probes = {};
    const cib = this.cib;
    if (!cib) return out;
    for (const n of members) {
      const node = this.world.node(n);
      if (!node) continue;
      if (!this.up(n)) {
        // crashed but not yet out of the membership: the cluster still believes its last state
        out[n] = this.lastProbes.get(n) ?? {};
        continue;
      }
      const r: Probes[string] = {};
      for (const p of cib.primitives) r[p.id] = probe(this.world, node, p);
      this.lastProbes.set(n, r);
      out[n] = r;
    }
    return out;
  }

  /** One transition per partition; plans again until nothing is left to do. */
  async transition(): Promise<void> {
    const cib = this.cib;
    if (!cib) return;
    let progressed = false;
    let blocked = false;
    for (const part of this.view) {
      const members = part.filter((n) => this.up(n));
      if (members.length === 0) continue;
      if (cib.properties["stonith-enabled"] !== "false") continue; // start-up disabled without STONITH
      const quorate = this.quorate(part);
      const policy = cib.properties["no-quorum-policy"] ?? "stop";
      if (!quorate && policy === "freeze") continue;
      const eligible =
        quorate || policy === "ignore" ? members.filter((n) => !cib.standby.includes(n) && !this.stopping.has(n)) : [];
      const probes = this.probes(members);
      const actual = actualPlacement(cib, members, probes);
      const desired = desiredPlacement(cib, eligible, actual, probes, this.failures);
      for (const a of planTransition(cib, actual, desired)) {
        const node = this.world.node(a.node);
        const prim = cib.primitives.find((p) => p.id === a.rsc);
        if (!node || !prim || node.state !== "running") continue;
        const r = await this.world.exec(node, actionCommand(prim, a.action));
        if (r.exitCode === 0) {
          progressed = true;
          continue;
        }
        // a promotion DRBD refuses for now (the peer not yet declared lost) is retried, like
        // the linbit agent's promote loop; any other failure is recorded and bans the node
        if (a.action !== "promote" || this.retries >= MAX_RETRIES)
          this.recordFailure(a.rsc, a.action, a.node, r.stderr || r.stdout);
        blocked = true;
        break;
      }
    }
    if ((progressed || blocked) && this.retries < MAX_RETRIES) {
      this.retries++;
      if (blocked) this.scheduleRetry();
      else this.queueTransition();
    } else if (!progressed && !blocked) this.retries = 0;
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined) return;
    this.retryTimer = this.world.clock.schedule(RETRY_US, "pacemaker recheck", onRecheck(this));
  }

  private recordFailure(rsc: string, op: string, node: string, text: string): void {
    const reason = text.trim().split("\n")[0] ?? "";
    this.failures = this.failures.filter((f) => !(f.rsc === rsc && f.node === node && f.op === op));
    this.failures.push({ rsc, op, node, rc: 1, reason, atUs: this.world.clock.now });
  }

  /** What `pcs status` on `self` sees. */
  viewFrom(self: string): View {
    const cib = this.cib as Cib;
    const members = this.partitionOf(self);
    return {
      self,
      members,
      dc: this.dcs.find((d) => members.includes(d)) ?? null,
      quorate: this.quorate(members),
      nowUs: this.world.clock.now,
      actual: actualPlacement(cib, members, this.probes(members)),
      failures: this.failures.filter((f) => members.includes(f.node)),
      enabled: this.daemon(self).enabled,
    };
  }

  snapshot(): unknown {
    const cib = this.cib;
    if (!cib) return { configured: false };
    const nodes: Record<string, unknown> = {};
    for (const n of cib.nodes) nodes[n] = { ...this.daemon(n), online: this.up(n), standby: cib.standby.includes(n) };
    const placement = this.view.map((part) => ({
      members: part,
      quorate: this.quorate(part),
      ...actualPlacement(cib, part, this.probes(part)),
    }));
    return {
      configured: true,
      clusterName: cib.clusterName,
      nodes,
      partitions: placement,
      properties: { ...cib.properties },
      resources: cib.primitives.map((p) => ({
        id: p.id,
        agent: p.agent,
        params: { ...p.params },
        clone: cloneOf(cib, p.id)?.id ?? null,
      })),
      constraints: {
        colocation: cib.colocations.length,
        order: cib.orders.length,
        location: cib.locations.map((l) => l.id),
      },
      failures: this.failures.map((f) => ({ ...f })),
    };
  }
}

export function pacemakerSubsystem(): PacemakerCluster {
  return new PacemakerCluster();
}

// the cluster's timers, as closures a checkpoint can carry (core/rebind.ts)
const onMembership = rebindable("pacemaker.membership", (c: PacemakerCluster) => () => {
  c.membershipTimer = undefined;
  c.applyMembership();
});
const onRecheck = rebindable("pacemaker.recheck", (c: PacemakerCluster) => () => {
  c.retryTimer = undefined;
  c.queueTransition();
});
