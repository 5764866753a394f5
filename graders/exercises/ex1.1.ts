import { questionExercise } from "../answers/exercise";
import type { Question } from "../answers/questions";

/**
 * Exercise 1.1: the workshop's three comprehension questions, each asked twice: as a choice
 * question (auto-graded, tests the same understanding) and as free text (rubric + review).
 * DRBD 9 facts: a Secondary cannot be opened read-write; with auto-promote (default) opening
 * it tries `primary`, refused with (-1) while the peer is Primary (drbd-behavior §1.7).
 */
const questions: Question[] = [
  {
    id: "q1.choice",
    kind: "single",
    points: 2,
    prompt: "Pourquoi le node2 ne peut-il pas monter /dev/drbd0 directement ?",
    options: [
      {
        id: "a",
        text: "Parce qu’il est Secondary : seul le Primary peut ouvrir le périphérique, et node2 ne peut pas devenir Primary tant que node1 l’est (pas de allow-two-primaries).",
      },
      { id: "b", text: "Parce que /dev/drbd0 n’existe que sur le Primary." },
      { id: "c", text: "Parce que la synchronisation initiale n’est pas terminée." },
      { id: "d", text: "Parce que le port 7788 est réservé au Primary." },
    ],
    answer: "a",
    why: {
      b: "/dev/drbd0 existe sur les deux nœuds dès « drbdadm up » ; c’est le rôle qui empêche de l’ouvrir.",
      c: "Même avec deux disques UpToDate, un Secondary ne peut pas être monté pendant que l’autre nœud est Primary.",
      d: "Le port sert aux deux nœuds pour la réplication ; il n’a rien à voir avec le montage.",
    },
    explain:
      "Exact : un Secondary refuse l’ouverture du périphérique ; il faudrait le promouvoir, ce que DRBD refuse tant que node1 est Primary (« Multiple primaries not allowed by config »).",
    hint: "Regardez le rôle de chaque nœud dans « drbdadm status r0 » et ce que le schéma « Rôles des nœuds » dit du Secondary.",
  },
  {
    id: "q1.text",
    kind: "text",
    points: 3,
    prompt: "Expliquez avec vos mots pourquoi le node2 ne peut pas monter /dev/drbd0.",
    rubric: {
      subjects: {
        node1: ["=node1", "=node =1", "=noeud =1", "=n1", "=premier =noeud"],
        node2: ["=node2", "=node =2", "=noeud =2", "=n2", "=second =noeud", "=deuxieme =noeud"],
      },
      main: "node2",
      ideas: [
        {
          id: "secondary",
          about: "node2",
          label: "le node2 est Secondary (rôle passif, non montable)",
          any: [["secondary"], ["secondair"], ["passif"], ["passive"], ["standby"]],
          against: [["est prima"], ["est deja prima"], ["=aussi prima"]],
        },
        {
          id: "one-primary",
          label:
            "seul le Primary peut ouvrir le périphérique (un seul Primary sans allow-two-primaries ; deux montages d’un système de fichiers classique le corrompraient)",
          any: [
            ["seul prima"],
            ["uniquement prima"],
            ["que prima"],
            ["prima seul"],
            ["un prima"],
            ["^allow two primaries"],
            ["^dual prima"],
            ["^deux prima"],
            ["^promo"],
            ["^promu"],
            ["^corromp"],
            ["^corrupt"],
            ["^incoheren"],
            ["gfs2"],
            ["ocfs2"],
            ["fichiers cluster"],
          ],
          against: [["peut", "lecture seule"], ["peuvent", "prima", "meme temps"], ["plusieurs prima =sont"]],
        },
      ],
    },
    explain:
      "Bonne explication : le Secondary est passif ; seul le Primary ouvre le périphérique, et un seul Primary est permis par défaut.",
    hint: "Deux idées : le rôle actuel de node2, et la règle « un seul Primary » (avec ce qu’elle protège).",
  },
  {
    id: "q2.choice",
    kind: "single",
    points: 2,
    prompt: "Que se passe-t-il si on essaie d’écrire sur le Secondary ?",
    options: [
      {
        id: "a",
        text: "L’écriture est refusée : le périphérique ne peut pas être ouvert en écriture sur un Secondary (en DRBD 9, l’auto-promotion échoue car node1 est Primary).",
      },
      { id: "b", text: "L’écriture est acceptée puis répliquée vers le Primary." },
      { id: "c", text: "L’écriture est acceptée localement et crée un split-brain." },
      { id: "d", text: "L’écriture est mise en attente jusqu’à ce que le nœud devienne Primary." },
    ],
    answer: "a",
    why: {
      b: "La réplication va toujours du Primary vers les Secondary, jamais dans l’autre sens.",
      c: "DRBD empêche justement cette écriture ; un split-brain naît de deux Primary déconnectés qui écrivent chacun de leur côté.",
      d: "Rien n’est mis en attente : l’ouverture échoue immédiatement (EROFS, « Read-only file system »).",
    },
    explain:
      "Exact : l’ouverture en écriture est refusée ; les données d’un Secondary ne changent que par la réplication depuis le Primary.",
    hint: "Essayez « mount /dev/drbd0 /mnt/drbd » sur node2 et lisez le message d’erreur.",
  },
  {
    id: "q2.text",
    kind: "text",
    points: 3,
    prompt: "Expliquez ce qui se passe si l’on essaie d’écrire sur le Secondary, et pourquoi.",
    rubric: {
      ideas: [
        {
          id: "refused",
          label: "l’écriture est refusée (erreur, lecture seule)",
          any: [
            ["refus"],
            ["impossible"],
            ["erreur"],
            ["interdit"],
            ["echou"],
            ["echec"],
            ["lecture seule"],
            ["read only"],
            ["erofs"],
            ["ne peut pas"],
            ["pas possible"],
            ["bloqu"],
            ["rejet"],
          ],
          against: [["accept"], ["autoris"], ["en attente"], ["reussi"]],
        },
        {
          id: "primary-only",
          label: "seul le Primary écrit ; le Secondary ne reçoit que la réplication",
          any: [
            ["seul prima"],
            ["uniquement prima"],
            ["que prima"],
            ["prima seul"],
            ["depuis prima"],
            ["deven prima"],
            ["devien prima"],
            ["promo"],
            ["promu"],
            ["recoit", "replic"],
            ["vien =du prima"],
            ["venant =du prima"],
            ["que par =la replication"],
            ["etre prima pour"],
            ["faut etre prima"],
            ["que recevoir"],
            ["que recoi"],
          ],
          against: [["vers =le prima"], ["vers =les prima"], ["secondai", "ecrit aussi"], ["deux noeuds ecriv"]],
        },
      ],
    },
    explain: "Bonne explication : l’écriture est refusée, seul le Primary écrit et le Secondary reçoit la réplication.",
    hint: "Dites ce que fait DRBD (accepte ? refuse ?) et quel nœud a le droit d’écrire.",
  },
  {
    id: "q3.choice",
    kind: "single",
    points: 2,
    prompt: "Quelle est la différence entre « meta-disk internal » et « meta-disk /dev/sdb1 » ?",
    options: [
      {
        id: "a",
        text: "internal : les métadonnées DRBD sont à la fin du même périphérique que les données ; /dev/sdb1 : elles sont sur un périphérique séparé (métadonnées externes).",
      },
      { id: "b", text: "internal : les métadonnées sont gardées en mémoire et perdues au redémarrage." },
      { id: "c", text: "/dev/sdb1 désigne le disque de données du pair." },
      { id: "d", text: "Aucune : ce sont deux syntaxes du même réglage." },
    ],
    answer: "a",
    why: {
      b: "Les métadonnées sont toujours sur disque : elles doivent survivre à un crash (UUID, bitmap, activity log).",
      c: "meta-disk est un réglage local à chaque nœud ; le disque du pair est déclaré dans sa propre section « on ».",
      d: "L’emplacement change : dans la partition de données ou sur un périphérique à part.",
    },
    explain:
      "Exact : internal place les métadonnées à la fin du disque de données (un peu moins de place utile), un meta-disk externe les met sur un autre périphérique.",
    hint: "Cherchez « meta-disk » dans la configuration de r0 et dans l’annexe B.",
  },
  {
    id: "q3.content",
    kind: "multiple",
    points: 2,
    prompt: "Que contiennent les métadonnées DRBD ? (plusieurs réponses)",
    options: [
      { id: "uuid", text: "Les identifiants de génération (UUID) des données" },
      { id: "bitmap", text: "Le bitmap des blocs désynchronisés avec chaque pair" },
      { id: "al", text: "L’activity log (les zones récemment écrites)" },
      { id: "config", text: "Une copie du fichier /etc/drbd.d/r0.res" },
      { id: "data", text: "Une copie des données du pair" },
    ],
    answers: ["uuid", "bitmap", "al"],
    why: {
      config: "La configuration reste dans /etc/drbd.d ; drbdadm la relit à chaque commande.",
      data: "Les métadonnées occupent environ 32 KiB par GiB de données et par pair : elles ne contiennent pas de données.",
    },
    explain: "Exact : UUID de génération, bitmap et activity log, c’est ce que « drbdadm create-md » initialise.",
    hint: "Relisez ce qu’écrit « drbdadm create-md r0 » (activity log, bitmap) et pensez à la décision de resynchronisation.",
  },
  {
    id: "q3.text",
    kind: "text",
    points: 3,
    prompt: "Expliquez la différence entre « meta-disk internal » et « meta-disk /dev/sdb1 ».",
    rubric: {
      pass: 2,
      subjects: { internal: ["=internal", "=interne", "=internes"], external: ["=sdb1"] },
      ideas: [
        {
          id: "same-device",
          about: "internal",
          label: "internal : les métadonnées sont sur le même périphérique que les données (à la fin)",
          any: [
            ["meme perip"],
            ["meme disque"],
            ["meme partition"],
            ["meme volume"],
            ["fin disque"],
            ["fin perip"],
            ["fin partition"],
            ["same device"],
            ["same disk"],
            ["=sda1"],
            ["dans =la partition =de donnees"],
            ["dans =le disque =de donnees"],
            ["dans =le peripherique =de donnees"],
            ["=a =la fin"],
          ],
          against: [
            ["separ"],
            ["autre disque"],
            ["autre perip"],
            ["autre partition"],
            ["externe"],
            ["dedie"],
            ["distinct"],
            ["memoire"],
            ["=ram"],
          ],
        },
        {
          id: "separate",
          about: "external",
          label: "/dev/sdb1 : les métadonnées sont sur un périphérique séparé (externe)",
          any: [
            ["separ"],
            ["autre disque"],
            ["autre perip"],
            ["autre partition"],
            ["dedie"],
            ["externe"],
            ["external"],
            ["distinct"],
          ],
          against: [
            ["meme perip"],
            ["meme disque"],
            ["meme partition"],
            ["fin disque"],
            ["=pair"],
            ["peer"],
            ["autre noeud"],
          ],
        },
        {
          id: "consequence",
          label: "ce que cela change : place utile, performance, ou ajout de DRBD sous des données existantes",
          any: [["perf"], ["taille"], ["espace"], ["place"], ["existant"], ["reduit"], ["vitesse"], ["rapid"]],
        },
      ],
    },
    explain: "Bonne explication : emplacement des métadonnées (même disque ou disque séparé) et ce que cela implique.",
    hint: "Où sont rangées les métadonnées dans chaque cas, et quel est l’intérêt d’un disque séparé ?",
  },
];

export const ex1_1 = questionExercise({
  id: "ex1.1",
  chapter: "tp1",
  title: "Exercice 1.1 : Questions de compréhension",
  graderVersion: 2,
  questions,
  solution: {
    answers: {
      "q1.choice": "a",
      "q1.text":
        "Le node2 est Secondary. Seul le Primary peut ouvrir et monter /dev/drbd0, et node2 ne peut pas être promu tant que node1 est Primary : deux montages d’un système de fichiers ext4 le corrompraient.",
      "q2.choice": "a",
      "q2.text":
        "L’écriture est refusée (erreur « read-only ») : seul le Primary écrit, le Secondary ne reçoit que la réplication depuis le Primary.",
      "q3.choice": "a",
      "q3.content": ["uuid", "bitmap", "al"],
      "q3.text":
        "Avec internal, les métadonnées sont à la fin du même périphérique que les données, ce qui réduit un peu la place utile. Avec /dev/sdb1 elles sont sur un périphérique séparé, ce qui peut améliorer les performances.",
    },
  },
  wrong: [
    {
      name: "réponses inversées sur l’écriture au Secondary",
      submission: {
        answers: { "q1.choice": "a", "q2.choice": "b", "q3.choice": "a", "q3.content": ["uuid", "bitmap", "al"] },
      },
      failingChecks: ["ex1.1.q2.choice", "ex1.1.q2.text"],
    },
    {
      name: "métadonnées confondues avec la configuration",
      submission: {
        answers: { "q3.choice": "d", "q3.content": ["uuid", "config"], "q3.text": "C’est la même chose." },
      },
      failingChecks: ["ex1.1.q3.choice", "ex1.1.q3.content", "ex1.1.q3.text", "ex1.1.q1.choice"],
    },
    {
      name: "explications hors sujet",
      submission: {
        answers: {
          "q1.text": "Le réseau Docker ne le permet pas.",
          "q2.text": "Les données vont sur le disque.",
        },
      },
      failingChecks: ["ex1.1.q1.text", "ex1.1.q2.text"],
    },
  ],
});
