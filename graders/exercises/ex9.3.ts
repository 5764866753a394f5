import { questionExercise } from "../answers/exercise";
import type { Question } from "../answers/questions";

/**
 * Exercise 9.3 (Pacemaker/Corosync). The simulated lab has no Pacemaker yet, so what is graded
 * is the design of the configuration: how DRBD is declared, the constraints, fencing. Facts from
 * UG9 "Integrating DRBD with Pacemaker clusters": ocf:linbit:drbd as a promotable clone,
 * colocation/order with the promoted instance, fencing resource-and-stonith with
 * crm-fence-peer.9.sh / crm-unfence-peer.9.sh for DRBD 9.
 */
const questions: Question[] = [
  {
    id: "resource",
    kind: "single",
    points: 2,
    prompt: "Comment déclare-t-on la ressource DRBD r0 dans Pacemaker ?",
    options: [
      {
        id: "promotable",
        text: "Une ressource ocf:linbit:drbd en clone promotable (promoted-max=1) : DRBD tourne sur les deux nœuds, Pacemaker choisit lequel promouvoir.",
      },
      { id: "primitive", text: "Une ressource primitive simple, démarrée sur un seul nœud." },
      { id: "systemd", text: "Le service systemd drbd, activé au démarrage sur les deux nœuds." },
    ],
    answer: "promotable",
    why: {
      primitive:
        "DRBD doit tourner (Secondary) sur les deux nœuds pour répliquer ; seul le rôle Primary est unique : c’est un clone promotable.",
      systemd:
        "Le rôle doit être piloté par Pacemaker seul ; un service drbd démarré hors de Pacemaker entre en conflit avec lui.",
    },
    explain: "Exact : un clone promotable de ocf:linbit:drbd, une instance promue au plus.",
    hint: "DRBD tourne-t-il sur un nœud ou sur les deux ? Combien peuvent être Primary ?",
  },
  {
    id: "constraints",
    kind: "multiple",
    points: 3,
    prompt: "Quelles contraintes faut-il pour la ressource Filesystem qui monte /dev/drbd0 ? (plusieurs réponses)",
    options: [
      { id: "colocation", text: "Colocation du Filesystem avec l’instance promue (Promoted) de DRBD." },
      { id: "order", text: "Ordre : promouvoir DRBD, puis démarrer le Filesystem." },
      { id: "colocation-unpromoted", text: "Colocation du Filesystem avec une instance non promue (Unpromoted)." },
      { id: "order-reverse", text: "Ordre : démarrer le Filesystem, puis promouvoir DRBD." },
    ],
    answers: ["colocation", "order"],
    why: {
      "colocation-unpromoted": "On ne peut monter /dev/drbd0 que sur le Primary.",
      "order-reverse": "Le montage échoue tant que le nœud n’est pas Primary.",
    },
    explain: "Exact : le Filesystem suit le Primary, et seulement après la promotion.",
    hint: "Où et quand peut-on monter /dev/drbd0 ?",
  },
  {
    id: "fencing",
    kind: "single",
    points: 2,
    prompt: "Quelle politique « fencing » donner à r0 dans un cluster Pacemaker avec STONITH ?",
    options: [
      { id: "resource-and-stonith", text: "resource-and-stonith" },
      { id: "resource-only", text: "resource-only" },
      { id: "dont-care", text: "dont-care" },
    ],
    answer: "resource-and-stonith",
    why: {
      "dont-care":
        "Sans fencing, un nœud isolé peut être promu avec des données périmées : c’est la porte ouverte au split-brain.",
      "resource-only":
        "Convient sans STONITH ; avec STONITH, resource-and-stonith suspend les écritures pendant que le handler isole le pair.",
    },
    explain:
      "Exact : resource-and-stonith gèle les I/O du Primary qui perd son pair jusqu’à ce que le handler fence-peer ait tranché.",
    hint: "Cherchez « fencing » dans la section net de DRBD 9.",
  },
  {
    id: "handler",
    kind: "short",
    points: 2,
    prompt: "Quel script donner au handler fence-peer avec DRBD 9 et Pacemaker ?",
    accepted: [
      "crm-fence-peer.9.sh",
      "/usr/lib/drbd/crm-fence-peer.9.sh",
      "fence-peer /usr/lib/drbd/crm-fence-peer.9.sh",
    ],
    mistakes: [
      {
        answers: ["crm-fence-peer.sh", "/usr/lib/drbd/crm-fence-peer.sh"],
        why: "crm-fence-peer.sh est le script de DRBD 8.4 ; avec DRBD 9 on utilise crm-fence-peer.9.sh (et crm-unfence-peer.9.sh pour unfence-peer).",
      },
    ],
    explain: "Exact : /usr/lib/drbd/crm-fence-peer.9.sh, avec crm-unfence-peer.9.sh pour unfence-peer.",
    hint: "Les scripts livrés avec drbd-utils sont dans /usr/lib/drbd/.",
  },
];

export const ex9_3 = questionExercise({
  id: "ex9.3",
  chapter: "exercices-avances",
  title: "Exercice 9.3 : Intégration Pacemaker/Corosync",
  graderVersion: 1,
  questions,
  solution: {
    answers: {
      resource: "promotable",
      constraints: ["colocation", "order"],
      fencing: "resource-and-stonith",
      handler: "/usr/lib/drbd/crm-fence-peer.9.sh",
    },
  },
  wrong: [
    {
      name: "DRBD démarré par systemd, montage avant promotion",
      submission: { answers: { resource: "systemd", constraints: ["colocation", "order-reverse"] } },
      failingChecks: ["ex9.3.resource", "ex9.3.constraints"],
    },
    {
      name: "script de fencing de DRBD 8.4",
      submission: { answers: { fencing: "dont-care", handler: "crm-fence-peer.sh" } },
      failingChecks: ["ex9.3.fencing", "ex9.3.handler"],
    },
  ],
});
