import { getTopology } from "../../engine/world/topology";
import { type AppliedLab, allInSync, drbdsetupShow, runInLab, runningPath, runningProtocols } from "../config/apply";
import type { ConfigCtx } from "../config/context";
import { configExercise } from "../config/exercise";
import type { Check, CheckOutcome } from "../types";

/**
 * Exercise 9.1: a second, independent resource r1 (logs, protocol A) next to r0. Independent
 * means its own minor, its own TCP port and its own backing disk on every host; drbdadm itself
 * already refuses a duplicated minor or address:port (then the submission is invalid).
 *
 * The file is then applied in the exercise's lab (two-nodes-two-disks: /dev/sdb1 on both
 * nodes): written on node1 and node2, r0 started, then `drbdadm create-md r1`, `up r1` on
 * both and `primary --force r1` on node1. What the lab answers (a missing disk, a disk r0
 * already holds, a peer that never connects) is what the learner reads.
 */
const HOSTS = getTopology("two-nodes").nodes.map((n) => ({ name: n.name, ip: n.ip }));
const PATH = "/etc/drbd.d/r1.res";
const INITIAL = "# Ressource r1 : les logs (à compléter)\n";

function perHost(ctx: ConfigCtx, test: (host: string) => string | null): CheckOutcome {
  const problems = ctx.hosts.map((h) => test(h.name)).filter((p): p is string => p !== null);
  return problems.length === 0 ? { passed: true } : { passed: false, detail: `${problems.join(" ; ")}.` };
}

const R0_UP = ["node1", "node2"].map((n) => `${n}$ drbdadm create-md r0\n${n}$ drbdadm up r0`).join("\n");

/** One lab per grading, shared by the two lab checks. */
const applied = new WeakMap<ConfigCtx, Promise<AppliedLab>>();
function r1Lab(ctx: ConfigCtx): Promise<AppliedLab> {
  let p = applied.get(ctx);
  if (!p) {
    p = runInLab(ctx, { scenario: "ex9.1", nodes: ["node1", "node2"], mode: "init", resource: "r1", before: R0_UP });
    applied.set(ctx, p);
  }
  return p;
}

async function r1Runs(ctx: ConfigCtx): Promise<CheckOutcome> {
  const { lab, failure } = await r1Lab(ctx);
  if (failure || !lab) return { passed: false, detail: failure ?? "" };
  const bad: string[] = [];
  for (const [node, peer] of [
    ["node1", "node2"],
    ["node2", "node1"],
  ] as const) {
    const c = lab.drbd(node, "r1")?.connections.find((x) => x.peer === peer);
    if (!lab.drbd(node, "r1")) bad.push(`r1 n’est pas actif sur ${node}`);
    else if (c?.cstate !== "Connected") bad.push(`${node} → ${peer} : connexion ${c?.cstate ?? "absente"}`);
  }
  return bad.length === 0
    ? { passed: true }
    : { passed: false, detail: `${bad.join(" ; ")} (drbdadm status r1 dans le lab).` };
}

async function r1Replicates(ctx: ConfigCtx): Promise<CheckOutcome> {
  const { lab, failure } = await r1Lab(ctx);
  if (failure || !lab) return { passed: false, detail: `r1 n’a pas pu démarrer : ${failure ?? ""}` };
  const sync = allInSync(lab, "node1", ["node2"], "r1");
  if (!sync.passed) return { passed: false, detail: `r1 : ${sync.detail}` };
  const show = await drbdsetupShow(lab, "node1", "r1");
  const proto = runningProtocols(show).node2;
  if (proto !== "A") return { passed: false, detail: `r1 tourne en protocole ${proto ?? "?"} (drbdsetup show r1).` };
  const p1 = runningPath(show).local?.split(":").pop();
  const p0 = runningPath(await drbdsetupShow(lab, "node1", "r0"))
    .local?.split(":")
    .pop();
  if (!p1 || p1 === p0) return { passed: false, detail: `r1 écoute sur le port ${p1 ?? "?"}, comme r0.` };
  const r0 = lab.drbd("node1", "r0")?.connections.find((x) => x.peer === "node2");
  if (r0?.cstate !== "Connected")
    return { passed: false, detail: `r0 n’est plus connecté (${r0?.cstate ?? "absent"}) une fois r1 démarré.` };
  return {
    passed: true,
    detail: `(protocole A, port ${p1}, /dev/drbd${lab.drbd("node1", "r1")?.devices[0]?.minor ?? "?"})`,
  };
}

const checks: Check<ConfigCtx>[] = [
  {
    id: "ex9.1.defined",
    points: 2,
    ok: "La ressource r1 est définie pour node1 et node2.",
    fail: "La ressource r1 doit exister, avec une section « on » pour chacun des deux nœuds :",
    hint: "resource r1 { … on node1 { device …; disk …; address …; meta-disk internal; } on node2 { … } }",
    test: (ctx) => perHost(ctx, (h) => (ctx.resolve("r1", h) ? null : `r1 n’est pas défini pour ${h}`)),
  },
  {
    id: "ex9.1.protocol",
    points: 2,
    ok: "r1 réplique en protocole A : les écritures de logs n’attendent pas le réseau.",
    fail: "r1 doit utiliser le protocole A :",
    hint: "« protocol A; » dans la ressource r1 (ou dans sa section net).",
    test: (ctx) =>
      perHost(ctx, (h) => {
        const p = ctx.resolve("r1", h)?.peers[0]?.settings.protocol;
        return p === "A" ? null : `${h} : protocole ${p ?? "inconnu"}`;
      }),
  },
  {
    id: "ex9.1.minor",
    points: 2,
    ok: "r1 a son propre périphérique (minor différent de celui de r0).",
    fail: "r1 doit avoir son propre périphérique /dev/drbdN, distinct de /dev/drbd0 :",
    hint: "Par exemple « device /dev/drbd1; » : chaque ressource a son minor.",
    test: (ctx) =>
      perHost(ctx, (h) => {
        const m1 = ctx.resolve("r1", h)?.volumes.map((v) => v.minor) ?? [];
        const m0 = ctx.resolve("r0", h)?.volumes.map((v) => v.minor) ?? [];
        if (m1.length === 0) return `${h} : r1 n’a pas de périphérique`;
        const clash = m1.filter((m) => m < 0 || m0.includes(m));
        return clash.length ? `${h} : minor ${clash.join(", ")} déjà pris par r0` : null;
      }),
  },
  {
    id: "ex9.1.port",
    points: 2,
    ok: "r1 utilise son propre port TCP.",
    fail: "r1 doit utiliser un autre port que r0 (7788) :",
    hint: "Par exemple « address 172.28.0.11:7789; » et « 172.28.0.12:7789 » : un port par ressource.",
    test: (ctx) =>
      perHost(ctx, (h) => {
        const ports0 = new Set(
          (ctx.resolve("r0", h)?.peers ?? []).flatMap((p) => [p.myAddress?.port, p.address?.port]),
        );
        const ports1 = (ctx.resolve("r1", h)?.peers ?? []).flatMap((p) => [p.myAddress?.port, p.address?.port]);
        if (ports1.length === 0 || ports1.some((p) => p === undefined)) return `${h} : r1 n’a pas d’adresse`;
        const clash = ports1.filter((p) => ports0.has(p));
        return clash.length ? `${h} : le port ${clash[0]} est déjà celui de r0` : null;
      }),
  },
  {
    id: "ex9.1.disk",
    points: 2,
    ok: "r1 a son propre disque de données, distinct de celui de r0.",
    fail: "r1 doit répliquer un autre disque que r0 (/dev/sda1) :",
    hint: "Les logs ont leur propre partition, par exemple « disk /dev/sdb1; ».",
    test: (ctx) =>
      perHost(ctx, (h) => {
        const d1 = ctx.resolve("r1", h)?.volumes.map((v) => v.disk) ?? [];
        const d0 = ctx.resolve("r0", h)?.volumes.map((v) => v.disk) ?? [];
        if (d1.length === 0) return `${h} : r1 n’a pas de disque`;
        const clash = d1.filter((d) => d0.includes(d));
        return clash.length ? `${h} : ${clash[0]} est déjà le disque de r0` : null;
      }),
  },
  {
    id: "ex9.1.lab-up",
    points: 2,
    ok: "Dans le lab, r1 s’initialise et démarre sur les deux nœuds, et ils se connectent.",
    fail: "Appliquée dans le lab (fichier copié sur node1 et node2, r0 démarré, puis drbdadm create-md r1 et up r1 sur les deux nœuds, primary --force r1 sur node1), la configuration échoue :",
    hint: "Chaque nœud doit avoir le disque indiqué (lsblk : /dev/sdb1) et r1 ne doit rien partager avec r0 ; essayez drbdadm create-md r1 puis drbdadm up r1 dans le lab.",
    test: r1Runs,
  },
  {
    id: "ex9.1.lab-sync",
    points: 2,
    ok: "Dans le lab, r1 se synchronise (UpToDate des deux côtés) en protocole A sur son propre port, r0 restant connecté.",
    fail: "Dans le lab, r1 ne réplique pas comme demandé :",
    hint: "drbdadm status r1 doit montrer peer-disk:UpToDate, et drbdsetup show r1 « protocol A; » avec un port différent de r0.",
    test: r1Replicates,
  },
];

const SOLUTION = `resource r1 {
    protocol A;  # Logs peuvent utiliser async
    on node1 {
        device /dev/drbd1;
        disk /dev/sdb1;
        address 172.28.0.11:7789;
        meta-disk internal;
    }
    on node2 {
        device /dev/drbd1;
        disk /dev/sdb1;
        address 172.28.0.12:7789;
        meta-disk internal;
    }
}
`;

export const ex9_1 = configExercise({
  id: "ex9.1",
  chapter: "exercices-avances",
  title: "Exercice 9.1 : DRBD multi-ressources",
  graderVersion: 2,
  path: PATH,
  hosts: HOSTS,
  initial: INITIAL,
  checks,
  solution: SOLUTION,
  wrong: [
    {
      name: "fichier laissé vide",
      submission: INITIAL,
      failingChecks: ["ex9.1.defined", "ex9.1.protocol", "ex9.1.minor", "ex9.1.port", "ex9.1.disk"],
    },
    {
      name: "r1 en protocole C",
      submission: SOLUTION.replace("protocol A;", "protocol C;"),
      failingChecks: ["ex9.1.protocol"],
    },
    {
      name: "r1 sur le disque de r0",
      submission: SOLUTION.replaceAll("/dev/sdb1", "/dev/sda1"),
      failingChecks: ["ex9.1.disk", "ex9.1.lab-up", "ex9.1.lab-sync"],
    },
    {
      name: "disque qui n’existe pas sur les nœuds",
      submission: SOLUTION.replaceAll("/dev/sdb1", "/dev/sdc1"),
      failingChecks: ["ex9.1.lab-up", "ex9.1.lab-sync"],
    },
    {
      name: "disque absent sur node2 seulement",
      submission: SOLUTION.replace(
        "disk /dev/sdb1;\n        address 172.28.0.12",
        "disk /dev/sdb2;\n        address 172.28.0.12",
      ),
      failingChecks: ["ex9.1.lab-up", "ex9.1.lab-sync"],
    },
  ],
});
