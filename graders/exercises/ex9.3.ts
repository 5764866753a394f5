import type { Lab } from "../../engine/index";
import type { PacemakerCluster } from "../../engine/services/pacemaker/index";
import type { Cib, Primitive } from "../../engine/services/pacemaker/model";
import { secondaryAddresses } from "../../engine/shell/commands/net";
import type { LabObserver, ObservedLabCtx, ReplayStep } from "../lab/context";
import { labExercise } from "../lab/exercise";
import { drbdNow, runningNode } from "../lab/observe";
import type { CheckOutcome } from "../types";

/**
 * Exercise 9.3 (Pacemaker/Corosync), in the ex9.3 lab: r0 initialised and synced, ext4 on it,
 * Secondary on both nodes. The learner sets up the cluster with pcs as in the chapter (DRBD as
 * a promotable clone of ocf:linbit:drbd, a Filesystem and an IPaddr2 that follow the Promoted
 * instance), then crashes node1 while it is Primary. Graded on the replay:
 *  - the configuration, from the CIB the engine's pcs wrote (engine/services/pacemaker);
 *  - the failover, watched between the learner's commands: after node1's crash and while it
 *    is down, node2 Primary with the filesystem mounted and the virtual IP up, done by
 *    Pacemaker (no promotion, mount or `ip addr add` typed on node2 after the crash).
 * STONITH devices are not simulated: the lab runs with stonith-enabled=false, which the
 * chapter's note says never to do in production. DRBD's resource-level fencing
 * (crm-fence-peer.9.sh) exists in the lab but is not graded: the exercise asks for the failover.
 */

const DEVICE = "/dev/drbd0";

interface AfterCrash {
  primary: boolean;
  fs: boolean;
  vip: boolean;
}

interface Ex93Seen {
  /** node1 went down: while Primary or not. */
  crash: { index: number; primary: boolean } | null;
  /** Best seen on node2 after the crash, while node1 was down. */
  after: AfterCrash;
  /** All three at once (the failover), and when. */
  failoverIndex: number | null;
  /** Commands typed on node2 after the crash that do Pacemaker's job by hand. */
  manual: { promote: string[]; services: string[] };
}

const MANUAL_PROMOTE =
  /\bdrbdadm\s+(?:-\S+\s+)*primary\b|\bdrbdsetup\s+primary\b|drbd-role\.sh\s+primary|\bpcs\s+resource\s+(?:move|ban|promote)\b|\bcrm_resource\b/;
const MANUAL_SERVICES =
  /(?:^|[;&|(]\s*)mount\s+(?:-\S+\s+)*\/dev\/|\bip\s+a(?:ddr(?:ess)?)?\s+add\b|\bpcs\s+resource\s+(?:move|ban)\b|\bcrm_resource\b/;

function cibOf(lab: Lab): Cib | null {
  return lab.world.subsystem<PacemakerCluster>("pacemaker")?.cib ?? null;
}

const byAgent = (cib: Cib | null, agent: string): Primitive | undefined =>
  cib?.primitives.find((p) => p.agent === agent);

/** The Filesystem resource's mount, else the chapter's /dev/drbd0. */
function fsOn(lab: Lab, node: string): boolean {
  const n = runningNode(lab, node);
  const fs = byAgent(cibOf(lab), "ocf:heartbeat:Filesystem");
  const dir = (fs?.params.directory ?? "").replace(/\/+$/, "");
  return !!n?.mounts.some((m) => m.device === (fs?.params.device ?? DEVICE) && (!fs || m.mountpoint === dir));
}

/** The IPaddr2 resource's address, else any address added to eth0. */
function vipOn(lab: Lab, node: string): boolean {
  const n = runningNode(lab, node);
  if (!n) return false;
  const ip = byAgent(cibOf(lab), "ocf:heartbeat:IPaddr2")?.params.ip;
  const addrs = secondaryAddresses(n).map((a) => a.split("/")[0]);
  return ip ? addrs.includes(ip) : addrs.length > 0;
}

function observer(): LabObserver<Ex93Seen> {
  const seen: Ex93Seen = {
    crash: null,
    after: { primary: false, fs: false, vip: false },
    failoverIndex: null,
    manual: { promote: [], services: [] },
  };
  let node1Primary = false;
  let node1Boot = -1;
  return {
    save: () => JSON.parse(JSON.stringify({ v: 1, seen, node1Primary, node1Boot })),
    load(state) {
      const s = state as { v?: unknown; seen?: Ex93Seen; node1Primary?: unknown; node1Boot?: unknown };
      if (s?.v !== 1 || typeof s.seen !== "object" || s.seen === null || typeof s.seen.after !== "object")
        throw new Error("not an ex9.3 observer state");
      Object.assign(seen, JSON.parse(JSON.stringify(s.seen)));
      node1Primary = s.node1Primary === true;
      node1Boot = typeof s.node1Boot === "number" ? s.node1Boot : -1;
    },
    step(lab: Lab, step: ReplayStep | null) {
      const index = step?.index ?? -1;
      const n1 = lab.world.node("node1");
      const up1 = n1?.state === "running";
      if (!seen.crash && node1Boot >= 0 && (!up1 || n1?.bootCount !== node1Boot))
        seen.crash = { index, primary: node1Primary };
      node1Primary = up1 && drbdNow(lab, "node1")?.role === "Primary";
      node1Boot = up1 ? (n1?.bootCount ?? -1) : node1Boot;
      if (!seen.crash || seen.failoverIndex !== null || up1) return;
      // node1 is down: what does node2 run, and who did it?
      if (step?.kind === "exec" && step.machine === "node2" && step.exitCode === 0) {
        if (MANUAL_PROMOTE.test(step.input)) seen.manual.promote.push(step.input);
        if (MANUAL_SERVICES.test(step.input)) seen.manual.services.push(step.input);
      }
      const now = {
        primary: drbdNow(lab, "node2")?.role === "Primary",
        fs: fsOn(lab, "node2"),
        vip: vipOn(lab, "node2"),
      };
      seen.after = {
        primary: seen.after.primary || now.primary,
        fs: seen.after.fs || now.fs,
        vip: seen.after.vip || now.vip,
      };
      if (now.primary && now.fs && now.vip) seen.failoverIndex = index;
    },
    result: () => seen,
  };
}

type Ctx = ObservedLabCtx<Ex93Seen>;

const cib = (ctx: Ctx) => cibOf(ctx.lab);

function drbdClone(ctx: Ctx) {
  const c = cib(ctx);
  const p = c?.primitives.find((x) => x.agent === "ocf:linbit:drbd" && x.params.drbd_resource === "r0");
  const clone = p ? c?.clones.find((x) => x.rsc === p.id) : undefined;
  return { primitive: p, clone };
}

/** What the four constraints lack; null when there is nothing to constrain yet. */
function constraintProblems(ctx: Ctx): string[] | null {
  const c = cib(ctx);
  const { clone } = drbdClone(ctx);
  const fs = byAgent(c, "ocf:heartbeat:Filesystem");
  const vip = byAgent(c, "ocf:heartbeat:IPaddr2");
  if (!c || !clone || !fs || !vip) return null;
  const colocated = (rsc: string, withRsc: string, role?: string) =>
    c.colocations.some(
      (x) => x.rsc === rsc && x.withRsc === withRsc && x.score >= 1_000_000 && (!role || x.withRole === role),
    );
  const ordered = (first: string, firstAction: string, then: string) =>
    c.orders.some((o) => o.first === first && o.firstAction === firstAction && o.then === then);
  const problems: string[] = [];
  if (!colocated(fs.id, clone.id, "Promoted"))
    problems.push(`pas de colocation INFINITY de ${fs.id} avec l’instance Promoted de ${clone.id}`);
  if (!ordered(clone.id, "promote", fs.id)) problems.push(`pas d’ordre « promote ${clone.id} then start ${fs.id} »`);
  if (!colocated(vip.id, fs.id) && !colocated(vip.id, clone.id, "Promoted"))
    problems.push(`${vip.id} n’est pas colocalisée avec ${fs.id}`);
  if (!ordered(fs.id, "start", vip.id) && !ordered(clone.id, "promote", vip.id))
    problems.push(`pas d’ordre « ${fs.id} then ${vip.id} »`);
  return problems;
}

/** What both failover checks need first: a crash of the Primary to look at, nothing done by hand. */
function crashGuard(o: Ex93Seen, manual: string[], byHand: string): CheckOutcome | null {
  if (!o.crash?.primary) return { passed: false, detail: "pas de panne de node1 Primary à observer." };
  return manual.length > 0 ? { passed: false, detail: `${byHand} (« ${manual[0]} »).` } : null;
}

const SOLUTION = `# scenario: ex9.3
# Le cluster : authentification, création, démarrage
node1$ pcs host auth node1 node2 -u hacluster -p hacluster
node1$ pcs cluster setup drbd_cluster node1 node2 --start --enable
node1$ pcs property set stonith-enabled=false
node1$ pcs property set no-quorum-policy=ignore
# DRBD en clone promouvable, le système de fichiers, l'IP virtuelle
node1$ pcs resource create drbd_r0 ocf:linbit:drbd drbd_resource=r0 op monitor interval=29s role=Promoted op monitor interval=31s role=Unpromoted
node1$ pcs resource promotable drbd_r0 promoted-max=1 promoted-node-max=1 clone-max=2 clone-node-max=1 notify=true
node1$ pcs resource create fs_drbd ocf:heartbeat:Filesystem device=/dev/drbd0 directory=/mnt/drbd fstype=ext4
node1$ pcs resource create vip ocf:heartbeat:IPaddr2 ip=172.28.0.100 cidr_netmask=16
# Les contraintes : le FS suit le Primary, l'IP suit le FS, dans cet ordre
node1$ pcs constraint colocation add fs_drbd with Promoted drbd_r0-clone INFINITY
node1$ pcs constraint order promote drbd_r0-clone then start fs_drbd
node1$ pcs constraint colocation add vip with fs_drbd INFINITY
node1$ pcs constraint order fs_drbd then vip
node1$ sleep 5
node1$ pcs status
# Panne de node1 (Promoted) : Pacemaker promeut node2 tout seul
host$ docker stop drbd-node1 --time=0
node2$ sleep 15
node2$ pcs status
`;

const del = (...lines: string[]) => lines.reduce((s, l) => s.replace(`${l}\n`, ""), SOLUTION);

export const ex9_3 = labExercise<Ex93Seen>({
  id: "ex9.3",
  chapter: "exercices-avances",
  title: "Exercice 9.3 : Intégration Pacemaker/Corosync",
  graderVersion: 3,
  startScenario: "ex9.3",
  observe: observer,
  checks: [
    {
      id: "ex9.3.cluster",
      points: 1,
      ok: "Le cluster Pacemaker/Corosync réunit node1 et node2, STONITH désactivé pour le lab.",
      fail: "Le cluster n’est pas prêt à gérer des ressources :",
      hint: "pcs host auth node1 node2 -u hacluster -p …, pcs cluster setup NOM node1 node2 --start, puis pcs property set stonith-enabled=false (lab sans périphérique de fencing).",
      test: (ctx): CheckOutcome => {
        const c = cib(ctx);
        if (!c) return { passed: false, detail: "aucun cluster : pcs cluster setup n’a pas été fait." };
        const missing = ["node1", "node2"].filter((n) => !c.nodes.includes(n));
        if (missing.length > 0) return { passed: false, detail: `le cluster ne contient pas ${missing.join(", ")}.` };
        if (c.properties["stonith-enabled"] !== "false")
          return {
            passed: false,
            detail:
              "stonith-enabled n’est pas false : sans périphérique STONITH, Pacemaker ne démarre aucune ressource.",
          };
        return { passed: true };
      },
    },
    {
      id: "ex9.3.promotable",
      points: 2,
      ok: "DRBD est géré par Pacemaker en clone promouvable (ocf:linbit:drbd, une instance promue).",
      fail: "DRBD doit être une ressource ocf:linbit:drbd en clone promouvable :",
      hint: "pcs resource create drbd_r0 ocf:linbit:drbd drbd_resource=r0 …, puis pcs resource promotable drbd_r0 promoted-max=1 promoted-node-max=1 clone-max=2 clone-node-max=1 notify=true",
      test: (ctx): CheckOutcome => {
        const { primitive, clone } = drbdClone(ctx);
        if (!primitive) return { passed: false, detail: "aucune ressource ocf:linbit:drbd avec drbd_resource=r0." };
        if (!clone)
          return {
            passed: false,
            detail: `${primitive.id} est une ressource simple : Pacemaker ne la démarre que sur un nœud et ne la promeut jamais (le vrai agent refuse de tourner hors d’un clone promouvable).`,
          };
        if (!clone.promotable)
          return {
            passed: false,
            detail: `${clone.id} est un clone, mais pas promouvable : aucun nœud ne sera Primary.`,
          };
        const pmax = Number(clone.meta["promoted-max"] ?? clone.meta["master-max"] ?? 1);
        const cmax = Number(clone.meta["clone-max"] ?? 2);
        if (pmax !== 1) return { passed: false, detail: `promoted-max=${pmax} : un seul nœud doit être Primary.` };
        if (cmax < 2)
          return { passed: false, detail: `clone-max=${cmax} : DRBD doit tourner sur les deux nœuds pour répliquer.` };
        return { passed: true };
      },
    },
    {
      id: "ex9.3.resources",
      points: 1,
      ok: "Le système de fichiers (ocf:heartbeat:Filesystem) et l’IP virtuelle (ocf:heartbeat:IPaddr2) sont définis.",
      fail: "Il manque une ressource :",
      hint: "pcs resource create fs_drbd ocf:heartbeat:Filesystem device=/dev/drbd0 directory=/mnt/drbd fstype=ext4 ; pcs resource create vip ocf:heartbeat:IPaddr2 ip=172.28.0.100 cidr_netmask=16",
      test: (ctx): CheckOutcome => {
        const c = cib(ctx);
        const fs = byAgent(c, "ocf:heartbeat:Filesystem");
        const vip = byAgent(c, "ocf:heartbeat:IPaddr2");
        const problems: string[] = [];
        if (!fs) problems.push("pas de ressource ocf:heartbeat:Filesystem");
        else if (fs.params.device !== DEVICE) problems.push(`${fs.id} monte ${fs.params.device ?? "?"}, pas ${DEVICE}`);
        if (!vip) problems.push("pas de ressource ocf:heartbeat:IPaddr2 (IP virtuelle)");
        return problems.length === 0 ? { passed: true } : { passed: false, detail: `${problems.join(" ; ")}.` };
      },
    },
    {
      id: "ex9.3.constraints",
      points: 2,
      ok: "Les contraintes sont en place : le système de fichiers suit l’instance Promoted, après la promotion, et l’IP suit le système de fichiers.",
      fail: "Les contraintes de colocation et d’ordre sont incomplètes :",
      hint: "pcs constraint colocation add fs_drbd with Promoted drbd_r0-clone INFINITY ; pcs constraint order promote drbd_r0-clone then start fs_drbd ; puis la même chose pour vip avec fs_drbd.",
      test: (ctx): CheckOutcome => {
        const problems = constraintProblems(ctx);
        if (!problems)
          return {
            passed: false,
            detail: "il faut d’abord le clone promouvable DRBD, le Filesystem et l’IP virtuelle.",
          };
        if (problems.length === 0) return { passed: true };
        return { passed: false, fraction: Math.max(0, 4 - problems.length) / 4, detail: `${problems.join(" ; ")}.` };
      },
    },
    {
      id: "ex9.3.crash",
      points: 1,
      ok: "node1 est tombé alors qu’il était Primary : la panne teste la bascule automatique.",
      fail: "Il faut provoquer la panne de node1 pendant qu’il est Primary :",
      hint: "Vérifiez avec pcs status que node1 est Promoted, puis sur l’hôte : docker stop drbd-node1 --time=0",
      test: ({ observed: o }): CheckOutcome => {
        if (!o.crash) return { passed: false, detail: "node1 n’a jamais été arrêté." };
        return o.crash.primary
          ? { passed: true }
          : { passed: false, detail: "node1 n’était pas Primary quand il s’est arrêté : rien à basculer." };
      },
    },
    {
      id: "ex9.3.promoted",
      points: 2,
      ok: "Après la panne, Pacemaker a promu node2 tout seul.",
      fail: "Après la panne de node1, node2 doit être promu automatiquement par Pacemaker :",
      hint: "Laissez le temps à Corosync de constater la perte (jeton + consensus, quelques secondes : sleep 15), sans drbdadm primary à la main ; pcs status sur node2 montre Promoted: [ node2 ].",
      test: ({ observed: o }): CheckOutcome => {
        const guard = crashGuard(o, o.manual.promote, "node2 a été promu à la main");
        if (guard) return guard;
        return o.after.primary
          ? { passed: true }
          : { passed: false, detail: "node2 n’est pas devenu Primary tant que node1 était arrêté." };
      },
    },
    {
      id: "ex9.3.services",
      points: 2,
      ok: "Après la panne, le système de fichiers est monté et l’IP virtuelle active sur node2.",
      fail: "Après la panne de node1, Pacemaker doit monter le système de fichiers et lever l’IP virtuelle sur node2 :",
      hint: "Le Filesystem et l’IP doivent suivre l’instance Promoted (colocation + ordre) ; pcs status sur node2 : fs_drbd et vip Started node2.",
      test: ({ observed: o }): CheckOutcome => {
        const guard = crashGuard(o, o.manual.services, "fait à la main sur node2");
        if (guard) return guard;
        if (o.failoverIndex !== null) return { passed: true };
        const missing = [
          ...(o.after.primary ? [] : ["node2 n’est pas Primary"]),
          ...(o.after.fs ? [] : [`${DEVICE} n’est pas monté sur node2`]),
          ...(o.after.vip ? [] : ["l’IP virtuelle n’est pas sur node2"]),
        ];
        return {
          passed: false,
          detail: `${missing.length > 0 ? missing.join(" ; ") : "jamais les trois à la fois"} (tant que node1 était arrêté).`,
        };
      },
    },
  ],
  solution: SOLUTION,
  wrong: [
    {
      name: "DRBD en ressource simple, sans clone promouvable",
      submission: del(
        "node1$ pcs resource promotable drbd_r0 promoted-max=1 promoted-node-max=1 clone-max=2 clone-node-max=1 notify=true",
      ),
      // the engine's agent runs a plain primitive (the real one refuses: OCF_ERR_CONFIGURED), and
      // the unconstrained Filesystem's mount auto-promotes DRBD 9: the failover itself happens
      failingChecks: ["ex9.3.promotable", "ex9.3.constraints"],
    },
    {
      name: "système de fichiers sans colocation ni ordre",
      submission: del(
        "node1$ pcs constraint colocation add fs_drbd with Promoted drbd_r0-clone INFINITY",
        "node1$ pcs constraint order promote drbd_r0-clone then start fs_drbd",
      ),
      failingChecks: ["ex9.3.constraints"],
    },
    {
      name: "IP virtuelle sans contrainte",
      submission: del(
        "node1$ pcs constraint colocation add vip with fs_drbd INFINITY",
        "node1$ pcs constraint order fs_drbd then vip",
      ),
      failingChecks: ["ex9.3.constraints"],
    },
    {
      name: "STONITH laissé actif sans périphérique de fencing",
      submission: del("node1$ pcs property set stonith-enabled=false"),
      failingChecks: ["ex9.3.cluster", "ex9.3.crash", "ex9.3.promoted", "ex9.3.services"],
    },
    {
      name: "pas de panne de node1",
      submission: del("host$ docker stop drbd-node1 --time=0"),
      failingChecks: ["ex9.3.crash", "ex9.3.promoted", "ex9.3.services"],
    },
    {
      name: "bascule à la main, sans Pacemaker",
      submission: `# scenario: ex9.3
node1$ drbdadm primary r0
node1$ mount /dev/drbd0 /mnt/drbd
node1$ ip addr add 172.28.0.100/16 dev eth0
host$ docker stop drbd-node1 --time=0
node2$ sleep 15
node2$ drbdadm primary r0
node2$ mount /dev/drbd0 /mnt/drbd
node2$ ip addr add 172.28.0.100/16 dev eth0
`,
      failingChecks: [
        "ex9.3.cluster",
        "ex9.3.promotable",
        "ex9.3.resources",
        "ex9.3.constraints",
        "ex9.3.promoted",
        "ex9.3.services",
      ],
    },
  ],
});
