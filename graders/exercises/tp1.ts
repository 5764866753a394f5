import { labExercise } from "../lab/exercise";
import { fileOnDevice, inSyncWith, mountedAt, roleAndDisk } from "../lab/predicates";
import { TP1_SOLUTION } from "../lab/solutions";

const DRBD0 = { device: "/dev/drbd0", mountpoint: "/mnt/drbd" };

/** TP1: a two-node DRBD cluster, initial sync done, ext4 on node1 with the two test files. */
export const tp1 = labExercise({
  id: "tp1",
  chapter: "tp1",
  title: "TP1 : Installation et configuration de base",
  graderVersion: 1,
  startScenario: "fresh",
  checks: [
    {
      id: "tp1.node1-primary",
      points: 2,
      ok: "node1 est Primary avec un disque UpToDate.",
      fail: "node1 doit être Primary et UpToDate :",
      hint: "Sur node1 : drbdadm create-md r0, drbdadm up r0, puis drbdadm primary --force r0 pour la synchronisation initiale.",
      test: (ctx) => roleAndDisk(ctx, "node1", "Primary", "UpToDate"),
    },
    {
      id: "tp1.node2-secondary",
      points: 2,
      ok: "node2 est Secondary avec un disque UpToDate.",
      fail: "node2 doit être Secondary et UpToDate :",
      hint: "Sur node2 : drbdadm create-md r0 puis drbdadm up r0 ; il reste Secondary et reçoit la synchronisation.",
      test: (ctx) => roleAndDisk(ctx, "node2", "Secondary", "UpToDate"),
    },
    {
      id: "tp1.in-sync",
      points: 2,
      ok: "Les deux nœuds sont connectés et la synchronisation initiale est terminée.",
      fail: "La réplication entre node1 et node2 n’est pas établie :",
      hint: "« drbdadm status r0 » sur node1 doit montrer node2 sans « connection: » ni « replication: », avec peer-disk:UpToDate ; attendez la fin de la synchronisation.",
      test: (ctx) => inSyncWith(ctx, "node1", "node2"),
    },
    {
      id: "tp1.mounted",
      points: 1,
      ok: "/dev/drbd0 est monté sur /mnt/drbd sur node1.",
      fail: "/dev/drbd0 doit être monté sur /mnt/drbd sur node1 :",
      hint: "Un périphérique DRBD neuf est vide : mkfs.ext4 /dev/drbd0, puis mkdir -p /mnt/drbd et mount /dev/drbd0 /mnt/drbd.",
      test: (ctx) => mountedAt(ctx, "node1", "/dev/drbd0", "/mnt/drbd"),
    },
    {
      id: "tp1.test-file",
      points: 1,
      ok: "/mnt/drbd/test.txt est présent sur le volume répliqué.",
      fail: "Le fichier de test manque :",
      hint: 'echo "Donnees critiques - $(date)" > /mnt/drbd/test.txt',
      test: (ctx) => fileOnDevice(ctx, "node1", DRBD0, "/mnt/drbd/test.txt", "non-empty"),
    },
    {
      id: "tp1.data-file",
      points: 2,
      ok: "/mnt/drbd/data.bin (10 MiB) est présent sur le volume répliqué.",
      fail: "Le fichier de 10 MiB manque ou n’a pas la bonne taille :",
      hint: "dd if=/dev/urandom of=/mnt/drbd/data.bin bs=1M count=10",
      test: (ctx) => fileOnDevice(ctx, "node1", DRBD0, "/mnt/drbd/data.bin", 10 * 1024 * 1024),
    },
  ],
  solution: TP1_SOLUTION,
  wrong: [
    {
      name: "sans primary --force : personne n’a de données à jour",
      submission: TP1_SOLUTION.replace("node1$ drbdadm primary --force r0\n", ""),
      failingChecks: ["tp1.node1-primary", "tp1.node2-secondary", "tp1.mounted", "tp1.data-file"],
    },
    {
      name: "node2 jamais démarré",
      submission: TP1_SOLUTION.replace("node2$ drbdadm create-md r0\nnode2$ drbdadm up r0\n", ""),
      failingChecks: ["tp1.node2-secondary", "tp1.in-sync"],
    },
    {
      name: "fichier de données trop petit",
      submission: TP1_SOLUTION.replace("count=10", "count=1"),
      failingChecks: ["tp1.data-file"],
    },
  ],
});
