import { getTopology } from "../../engine/world/topology";
import type { ConfigCtx } from "../config/context";
import { configExercise } from "../config/exercise";
import type { Check, CheckOutcome } from "../types";

/**
 * Exercise 9.1: a second, independent resource r1 (logs, protocol A) next to r0. Independent
 * means its own minor, its own TCP port and its own backing disk on every host; drbdadm itself
 * already refuses a duplicated minor or address:port (then the submission is invalid).
 */
const HOSTS = getTopology("two-nodes").nodes.map((n) => ({ name: n.name, ip: n.ip }));
const PATH = "/etc/drbd.d/r1.res";
const INITIAL = "# Ressource r1 : les logs (à compléter)\n";

function perHost(ctx: ConfigCtx, test: (host: string) => string | null): CheckOutcome {
  const problems = ctx.hosts.map((h) => test(h.name)).filter((p): p is string => p !== null);
  return problems.length === 0 ? { passed: true } : { passed: false, detail: `${problems.join(" ; ")}.` };
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
  graderVersion: 1,
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
      failingChecks: ["ex9.1.disk"],
    },
  ],
});
