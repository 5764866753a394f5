import { labExercise } from "../lab/exercise";
import { changeAfter, inSyncWith, roleAndDisk, roleAt, splitBrains, succeeded } from "../lab/predicates";

/**
 * TP3: planned failover, crash of node1, rejoin, split brain resolved keeping node1's data.
 * The history is read from the event log (the commands that succeeded, and when) and from the
 * typed DRBD state history (role and connection changes, split brains found at handshakes):
 * the final state alone cannot tell whether node2 took over during the crash.
 */
const PROMOTE = /\b(drbdadm\s+primary|drbd-role\.sh\s+primary)\b/;
const DEMOTE = /\b(drbdadm\s+secondary|drbd-role\.sh\s+secondary)\b/;
const CRASH = /\bdocker\s+(stop|kill)\b.*\bdrbd-node1\b/;
const RESTART = /\bdocker\s+start\b.*\bdrbd-node1\b/;

const SOLUTION = `# scenario: tp1.done
# Étape 1 : bascule planifiée vers node2
node1$ umount /mnt/drbd
node1$ drbdadm secondary r0
node2$ drbdadm primary r0
node2$ mkdir -p /mnt/drbd
node2$ mount /dev/drbd0 /mnt/drbd
node2$ cat /mnt/drbd/test.txt
# Étape 2 : crash de node1 ; node2 reste Primary et continue d’écrire
host$ docker stop drbd-node1 --time=0
wait 15s
node2$ drbdadm status r0
node2$ echo "ecrit pendant la panne" > /mnt/drbd/panne.txt
# Étape 3 : retour de node1, qui se resynchronise comme Secondary
host$ docker start drbd-node1
node1$ drbdadm up r0
wait 10s
node2$ drbdadm status r0
# Étape 4 : split-brain : lien coupé, node1 promu aussi, écritures des deux côtés
node1$ iptables -A INPUT -s 172.28.0.12 -j DROP
node2$ iptables -A INPUT -s 172.28.0.11 -j DROP
wait 15s
node1$ drbdadm primary r0
node1$ mount /dev/drbd0 /mnt/drbd
node1$ echo "version node1" > /mnt/drbd/splitbrain.txt
node2$ echo "version node2" > /mnt/drbd/splitbrain.txt
node1$ iptables -F
node2$ iptables -F
wait 15s
node1$ drbdadm status r0
# Résolution : node2 perd ses données, node1 les garde
node2$ umount /mnt/drbd
node2$ drbdadm disconnect r0
node2$ drbdadm secondary r0
node2$ drbdadm connect --discard-my-data r0
node1$ drbdadm disconnect r0
node1$ drbdadm connect r0
wait 15s
node1$ drbdadm status r0
`;

export const tp3 = labExercise({
  id: "tp3",
  chapter: "tp3",
  title: "TP3 : Failover et haute disponibilité",
  graderVersion: 2,
  startScenario: "tp1.done",
  checks: [
    {
      id: "tp3.planned",
      points: 2,
      ok: "Bascule planifiée réussie : démontage et rétrogradation sur node1, puis promotion et montage sur node2.",
      fail: "La bascule planifiée n’a pas été faite dans l’ordre :",
      hint: "Sur node1 : umount /mnt/drbd puis drbdadm secondary r0 ; ensuite sur node2 : drbdadm primary r0 et mount /dev/drbd0 /mnt/drbd.",
      test: (ctx) => {
        const umount = succeeded(ctx, /\bumount\b/, "node1")[0];
        if (!umount) return { passed: false, detail: "aucun umount réussi sur node1." };
        const demote = succeeded(ctx, DEMOTE, "node1").find((c) => c.index > umount.index);
        if (!demote) return { passed: false, detail: "node1 n’a pas été rétrogradé (Secondary) après le démontage." };
        const promote = succeeded(ctx, PROMOTE, "node2").find((c) => c.index > demote.index);
        if (!promote) return { passed: false, detail: "node2 n’a pas été promu après la rétrogradation de node1." };
        const mount = succeeded(ctx, /\bmount\b.*\/dev\/drbd0/, "node2").find((c) => c.index > promote.index);
        return mount
          ? { passed: true }
          : { passed: false, detail: "/dev/drbd0 n’a pas été monté sur node2 après la promotion." };
      },
    },
    {
      id: "tp3.crash",
      points: 3,
      ok: "Pendant la panne de node1, node2 était Primary : le service a continué.",
      fail: "Pendant la panne de node1, node2 n’assurait pas le service :",
      hint: "host$ docker stop drbd-node1 --time=0, puis sur node2 : drbdadm primary r0 s’il n’est pas déjà Primary (--force seulement si son disque n’est pas UpToDate).",
      test: (ctx) => {
        const crash = succeeded(ctx, CRASH, "host")[0];
        if (!crash)
          return { passed: false, detail: "node1 n’a pas été arrêté brutalement (docker stop drbd-node1 --time=0)." };
        const back = succeeded(ctx, RESTART, "host").find((c) => c.index > crash.index);
        const until = back ? back.atUs : Number.MAX_SAFE_INTEGER;
        const role = roleAt(ctx, "node2", until);
        return role === "Primary"
          ? { passed: true }
          : { passed: false, detail: `node2 était ${role} quand node1 est revenu.` };
      },
    },
    {
      id: "tp3.rejoin",
      points: 2,
      ok: "node1 est revenu et s’est reconnecté comme Secondary.",
      fail: "node1 n’est pas revenu comme Secondary connecté à node2 :",
      hint: "host$ docker start drbd-node1, puis sur node1 : drbdadm up r0 ; il se reconnecte Secondary et rattrape les écritures de node2.",
      test: (ctx) => {
        const back = succeeded(ctx, RESTART, "host")[0];
        if (!back) return { passed: false, detail: "node1 n’a pas été redémarré (docker start drbd-node1)." };
        const rejoined = changeAfter(
          ctx,
          {
            node: "node2",
            object: "connection",
            peer: "node1",
            fields: [
              { field: "connection", to: "Connected" },
              { field: "peer-role", from: "Unknown", to: "Secondary" },
            ],
          },
          back.atUs,
        );
        return rejoined
          ? { passed: true }
          : {
              passed: false,
              detail: "node2 ne voit jamais node1 revenir connecté en Secondary.",
            };
      },
    },
    {
      id: "tp3.split-brain",
      points: 1,
      ok: "Un split-brain a bien été provoqué et détecté.",
      fail: "Aucun split-brain n’a été détecté par DRBD.",
      hint: "Coupez le lien (iptables), promouvez et écrivez des deux côtés, puis rétablissez le lien : DRBD 9 ne voit un split-brain que si les deux côtés ont écrit.",
      test: (ctx) => splitBrains(ctx).length > 0,
    },
    {
      id: "tp3.kept-node1",
      points: 3,
      ok: "Split-brain résolu en gardant les données de node1 : node2 s’est resynchronisé depuis node1.",
      fail: "Le split-brain n’a pas été résolu en gardant les données de node1 :",
      hint: "Sur node2 (la victime) : umount, drbdadm disconnect r0, drbdadm secondary r0, drbdadm connect --discard-my-data r0 ; sur node1 (StandAlone) : drbdadm disconnect r0 puis drbdadm connect r0.",
      test: (ctx) => {
        const solvedFrom = (node: string, who: "peer" | "this") =>
          splitBrains(ctx, node).some((e) => e.resolution !== "unresolved" && e.syncFrom === who);
        if (solvedFrom("node2", "peer") && solvedFrom("node1", "this")) return { passed: true };
        if (solvedFrom("node1", "peer"))
          return { passed: false, detail: "c’est node1 qui a été écrasé par les données de node2." };
        return {
          passed: false,
          detail: "aucune résolution de split-brain (les nœuds restent StandAlone ?).",
        };
      },
    },
    {
      id: "tp3.final",
      points: 2,
      ok: "À la fin, les deux nœuds sont connectés et UpToDate.",
      fail: "À la fin, le cluster n’est pas rétabli :",
      hint: "drbdadm status r0 : aucune ligne « connection: », peer-disk:UpToDate, sans « replication: » en cours.",
      test: (ctx) => {
        const d = roleAndDisk(ctx, "node2", "Secondary", "UpToDate");
        return d.passed ? inSyncWith(ctx, "node1", "node2") : d;
      },
    },
  ],
  solution: SOLUTION,
  wrong: [
    {
      name: "rétrogradation sans démonter (refusée : Device is held open)",
      submission: SOLUTION.replace("node1$ umount /mnt/drbd\n", ""),
      failingChecks: ["tp3.planned"],
    },
    {
      name: "split-brain résolu dans le mauvais sens (node1 écrasé)",
      submission: SOLUTION.replace(
        "node2$ umount /mnt/drbd\nnode2$ drbdadm disconnect r0\nnode2$ drbdadm secondary r0\nnode2$ drbdadm connect --discard-my-data r0\nnode1$ drbdadm disconnect r0\nnode1$ drbdadm connect r0\n",
        "node1$ umount /mnt/drbd\nnode1$ drbdadm disconnect r0\nnode1$ drbdadm secondary r0\nnode1$ drbdadm connect --discard-my-data r0\nnode2$ drbdadm disconnect r0\nnode2$ drbdadm connect r0\n",
      ),
      failingChecks: ["tp3.kept-node1"],
    },
    {
      name: "node1 jamais redémarré",
      submission: SOLUTION.slice(0, SOLUTION.indexOf("# Étape 3")),
      failingChecks: ["tp3.rejoin", "tp3.split-brain", "tp3.kept-node1", "tp3.final"],
    },
  ],
});
