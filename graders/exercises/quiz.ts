import { questionExercise } from "../answers/exercise";
import type { Question } from "../answers/questions";

/**
 * Final quiz: the workshop's five open questions, each as an auto-graded choice question
 * testing the same understanding (`qN.choice`) and as free text graded by a rubric (`qN.text`);
 * question 5 also has a short answer (which command to type), graded tolerantly.
 */
/** Who is who in a resync, said of the node where the command runs (q5.text). */
const OTHER = "!pair !peer !autre !distant";
const BECOMES_TARGET: string[][] = [
  [`${OTHER} cible`],
  [`${OTHER} synctarget`],
  [`${OTHER} sync =target`],
  [`${OTHER} target`],
  [`${OTHER} recoi`],
  [`${OTHER} recev`],
  ["depuis =le pair"],
  ["depuis =l autre"],
  ["depuis =le peer"],
  ["a partir =du pair"],
  ["jet local"],
  ["jet donnees local"],
  ["jet =ses donnees"],
  ["jet =ses propres"],
  ["local invalid"],
  ["invalid donnees local"],
  ["efface donnees local"],
  ["ecras donnees local"],
  ["ecras local"],
  ["local =sont ecras"],
  ["local =seront ecras"],
  ["sacrifi donnees local"],
  ["sacrifi local"],
  ["abandon donnees local"],
  ["perd donnees local"],
  ["local =sont fausse"],
  ["local =sont mauvais"],
];
const BECOMES_SOURCE: string[][] = [
  [`${OTHER} source`],
  [`${OTHER} syncsource`],
  [`${OTHER} sync source`],
  [`${OTHER} envoi`],
  [`${OTHER} pousse`],
  ["vers =le pair"],
  ["vers =l autre"],
  ["vers =le peer"],
  ["local vers"],
  ["jet pair"],
  ["jet donnees =du pair"],
  ["jet =celles =du pair"],
  ["pair invalid"],
  ["invalid donnees =du pair"],
  ["invalid =celles =du pair"],
  ["efface donnees =du pair"],
  ["ecras donnees =du pair"],
  ["ecras =celles =du pair"],
  ["ecras pair"],
  ["pair =sont ecras"],
  ["pair =seront ecras"],
  ["sacrifi donnees =du pair"],
  ["sacrifi pair"],
  ["perd donnees =du pair"],
  ["distant invalid"],
  ["donnees distant"],
  ["pair =sont fausse"],
  ["pair =sont mauvais"],
];

const questions: Question[] = [
  {
    id: "q1.choice",
    kind: "single",
    points: 2,
    prompt: "Quelle est la principale différence entre DRBD et une réplication applicative ?",
    options: [
      {
        id: "a",
        text: "DRBD réplique des blocs, sous le système de fichiers, sans que l’application le sache ; une réplication applicative (par ex. le streaming de PostgreSQL) réplique les opérations de l’application et doit être prise en charge par elle.",
      },
      { id: "b", text: "DRBD réplique des fichiers, une réplication applicative réplique des blocs." },
      { id: "c", text: "DRBD ne fonctionne qu’avec des bases de données." },
      { id: "d", text: "DRBD permet par défaut de lire et d’écrire sur les deux nœuds en même temps." },
    ],
    answer: "a",
    why: {
      b: "C’est l’inverse : DRBD travaille au niveau bloc, c’est un « RAID 1 sur le réseau ».",
      c: "DRBD réplique un périphérique bloc : n’importe quel système de fichiers ou application peut l’utiliser.",
      d: "Par défaut un seul Primary : le double Primary exige allow-two-primaries, le protocole C et un système de fichiers cluster.",
    },
    explain:
      "Exact : DRBD est transparent pour l’application car il réplique des blocs ; une réplication applicative comprend les transactions mais doit être gérée par chaque application.",
    hint: "Revoyez la comparaison « RAID 1 local / DRBD distribué » du chapitre 1.",
  },
  {
    id: "q1.text",
    kind: "text",
    points: 3,
    prompt: "Quelle est la principale différence entre DRBD et une réplication applicative ?",
    rubric: {
      subjects: {
        drbd: ["=drbd"],
        app: ["replication =applicative", "=applicative", "=applicatives", "streaming", "=pglogical"],
      },
      main: "drbd",
      ideas: [
        {
          id: "block",
          about: "drbd",
          label: "DRBD réplique au niveau bloc (sous le système de fichiers)",
          any: [["bloc"], ["block"], ["bas niveau"], ["raid"], ["sous =le systeme fichier"], ["sous =les fichiers"]],
          against: [["!systeme !sous fichier"], ["haut niveau"], ["transaction"], ["requete"], ["=sql"]],
        },
        {
          id: "transparent",
          about: "drbd",
          label: "c’est transparent pour l’application (elle n’a pas à le gérer)",
          any: [
            ["transparen"],
            ["~conscience"],
            ["sans que application"],
            ["~conscient"],
            ["~sait"],
            ["~savoir"],
            ["~voit"],
            ["~modif"],
            ["~chang"],
            ["~adapt"],
            ["rien a faire"],
            ["quelle que soit"],
            ["toute application"],
            ["importe quel"],
            ["agnost"],
            ["independ"],
            ["ignor"],
            ["unaware"],
            ["invisible"],
          ],
          against: [["application doit"], ["doit =la gerer"], ["doit =le gerer"], ["integre =a application"]],
        },
      ],
    },
    explain: "Bonne réponse : réplication au niveau bloc, transparente pour l’application.",
    hint: "À quel niveau DRBD intervient-il, et que doit faire l’application pour en profiter ?",
  },
  {
    id: "q2.choice",
    kind: "single",
    points: 2,
    prompt: "Dans quel cas utiliseriez-vous Protocol A plutôt que Protocol C ?",
    options: [
      {
        id: "a",
        text: "Quand la latence entre les nœuds est élevée (réplication longue distance) et qu’on accepte de perdre les dernières écritures si le Primary tombe.",
      },
      { id: "b", text: "Quand aucune perte de données n’est acceptable." },
      { id: "c", text: "Quand on veut deux Primary simultanés." },
      { id: "d", text: "Pour accélérer la resynchronisation initiale." },
    ],
    answer: "a",
    why: {
      b: "C’est le cas du protocole C, qui n’acquitte une écriture qu’une fois écrite sur les deux disques.",
      c: "allow-two-primaries exige le protocole C : DRBD refuse sinon (« Failure: (139) Protocol C required »).",
      d: "La vitesse de resynchronisation se règle avec c-max-rate (ou resync-rate) ; le protocole décide seulement quand une écriture est acquittée.",
    },
    explain:
      "Exact : A acquitte dès que l’écriture est sur le disque local et dans le tampon d’envoi TCP ; utile quand la latence réseau est élevée, au prix d’un RPO non nul.",
    hint: "Comparez ce qu’attend chaque protocole avant d’acquitter une écriture, et ce qu’on perd si le Primary tombe.",
  },
  {
    id: "q2.text",
    kind: "text",
    points: 3,
    prompt: "Dans quel cas utiliseriez-vous Protocol A plutôt que Protocol C ? Justifiez.",
    rubric: {
      subjects: {
        a: ["protocol =a", "protocole =a"],
        c: ["protocol =c", "protocole =c"],
      },
      main: "a",
      ideas: [
        {
          id: "latency",
          about: "a",
          label: "latence élevée / longue distance / performances d’écriture",
          any: [
            ["laten"],
            ["distan"],
            ["=wan"],
            ["inter site"],
            ["datacenter"],
            ["data center"],
            ["geograph"],
            ["reseau lent"],
            ["perf"],
            ["rapid"],
          ],
          against: [
            ["laten faibl"],
            ["faibl laten"],
            ["laten bass"],
            ["basse laten"],
            ["=lan"],
            ["meme salle"],
            ["local reseau"],
          ],
        },
        {
          id: "loss",
          about: "a",
          label: "on accepte de perdre les dernières écritures (RPO non nul)",
          any: [["perte"], ["perd"], ["=rpo"], ["loss"], ["toler"], ["accept"]],
          against: [["plus =sur"], ["plus fiabl"], ["plus secur"], ["garanti"]],
        },
      ],
    },
    explain: "Bonne réponse : latence élevée et perte des dernières écritures acceptable.",
    hint: "Deux idées : ce que A fait gagner, et ce qu’il fait risquer.",
  },
  {
    id: "q3.choice",
    kind: "single",
    points: 2,
    prompt: "Comment DRBD gère-t-il un split-brain par défaut ?",
    options: [
      {
        id: "a",
        text: "Il le détecte à la reconnexion, coupe la connexion (StandAlone) et attend une résolution manuelle : after-sb-0pri, after-sb-1pri et after-sb-2pri valent disconnect par défaut.",
      },
      { id: "b", text: "Il garde automatiquement les données du nœud qui a le plus écrit." },
      { id: "c", text: "Il fusionne les écritures des deux nœuds." },
      { id: "d", text: "Il redémarre le nœud Secondary." },
    ],
    answer: "a",
    why: {
      b: "Ce serait une politique à configurer (discard-least-changes) ; par défaut il n’y a aucune résolution automatique.",
      c: "DRBD travaille en blocs, sans connaître les fichiers : l’un des deux jeux de modifications doit être abandonné.",
      d: "Seul un handler configuré (pri-lost-after-sb par exemple) peut redémarrer un nœud ; ce n’est pas le comportement par défaut.",
    },
    explain:
      "Exact : par défaut, détection, déconnexion (StandAlone) et résolution manuelle avec « drbdadm connect --discard-my-data » sur la victime.",
    hint: "Regardez les valeurs par défaut des options after-sb-* et l’état des nœuds après « simulate-splitbrain.sh ».",
  },
  {
    id: "q3.text",
    kind: "text",
    points: 3,
    prompt: "Comment DRBD gère-t-il un split-brain par défaut ?",
    rubric: {
      ideas: [
        {
          id: "disconnect",
          label: "il coupe la connexion : les nœuds restent StandAlone",
          any: [
            ["standalone"],
            ["stand alone"],
            ["deconnect"],
            ["deconnexion"],
            ["disconnect"],
            ["coupe connexion"],
            ["coupe la connexion"],
            ["refuse", "connexion"],
            ["connexion", "coup"],
          ],
          against: [["reste connect"], ["connexion maint"], ["continu", "repli"]],
        },
        {
          id: "manual",
          label: "aucune résolution automatique : l’administrateur choisit la victime (discard-my-data)",
          any: [
            ["manuel"],
            ["intervention"],
            ["interven"],
            ["administrat"],
            ["humain"],
            ["discard my data"],
            ["a la main"],
            ["pas automatique"],
            ["aucune resolution"],
          ],
          against: [["automatiqu"], ["fusionn"], ["garde", "plus ecrit"], ["tout seul"]],
        },
      ],
    },
    explain: "Bonne réponse : déconnexion (StandAlone) et résolution manuelle.",
    hint: "Que devient la connexion, et qui décide quelles données garder ?",
  },
  {
    id: "q4.choice",
    kind: "single",
    points: 2,
    prompt: "Pourquoi est-il important de toujours démonter le filesystem avant de changer de rôle ?",
    options: [
      {
        id: "a",
        text: "Parce que DRBD refuse de passer Secondary tant que le périphérique est ouvert (« (-12) Device is held open by someone »), et qu’un système de fichiers classique monté sur deux nœuds à la fois serait corrompu.",
      },
      { id: "b", text: "Pour vider le bitmap avant la bascule." },
      { id: "c", text: "Parce que le démontage déclenche la synchronisation." },
      { id: "d", text: "Ce n’est plus nécessaire avec DRBD 9." },
    ],
    answer: "a",
    why: {
      b: "Le bitmap est géré par DRBD, indépendamment du montage.",
      c: "La réplication est continue ; le démontage ne déclenche aucune synchronisation.",
      d: "Tant que le FS est monté, le nœud reste Primary, avec ou sans auto-promotion : un nœud promu par le montage (auto-promote de DRBD 9) redevient Secondary à la dernière fermeture, c’est-à-dire au démontage ; un nœud promu par « drbdadm primary » reste Primary jusqu’à « drbdadm secondary », qui exige lui aussi le démontage.",
    },
    explain:
      "Exact : le démontage vide les caches et ferme le périphérique ; sinon « drbdadm secondary » échoue avec (-12).",
    hint: "Essayez « drbdadm secondary r0 » avec /mnt/drbd encore monté.",
  },
  {
    id: "q4.text",
    kind: "text",
    points: 3,
    prompt: "Pourquoi est-il important de toujours démonter le filesystem avant de changer de rôle ?",
    rubric: {
      ideas: [
        {
          id: "held-open",
          label: "DRBD refuse de rétrograder un périphérique ouvert (monté)",
          any: [["held open"], ["ouvert"], ["utilis"], ["occup"], ["refus"], ["=12"], ["echou"], ["impossible"]],
          against: [
            ["peut", "sans demont"],
            ["pas important"],
            ["pas necessaire"],
            ["pas obligatoire"],
            ["inutile"],
            ["facultati"],
            ["=drbd accept"],
          ],
        },
        {
          id: "consistency",
          label: "le démontage écrit les données en cache ; sinon le système de fichiers serait incohérent ou corrompu",
          any: [
            ["corromp"],
            ["corrupt"],
            ["coheren"],
            ["incoheren"],
            ["cache"],
            ["flush"],
            ["vider"],
            ["ecritur attente"],
            ["perte"],
            ["perd"],
          ],
          against: [["pas probleme"], ["aucun probleme"], ["sans risque"], ["aucun risque"], ["sans danger"]],
        },
      ],
    },
    explain: "Bonne réponse : périphérique ouvert refusé par DRBD, et cohérence du système de fichiers.",
    hint: "Pensez à ce que dit DRBD si le FS est encore monté, et à ce que contient le cache du système de fichiers.",
  },
  {
    id: "q5.choice",
    kind: "single",
    points: 2,
    prompt: "Quelle est la différence entre invalidate et invalidate-remote ?",
    options: [
      {
        id: "a",
        text: "invalidate déclare les données locales invalides : ce nœud devient SyncTarget et recopie tout depuis le pair ; invalidate-remote déclare invalides celles du pair : ce nœud devient SyncSource.",
      },
      {
        id: "b",
        text: "invalidate recopie les données locales vers le pair ; invalidate-remote recopie celles du pair vers ce nœud.",
      },
      { id: "c", text: "invalidate supprime la ressource ; invalidate-remote la supprime sur le pair." },
      { id: "d", text: "Aucune : invalidate-remote est l’ancien nom d’invalidate." },
    ],
    answer: "a",
    why: {
      b: "C’est l’inverse : invalidate sacrifie les données locales, invalidate-remote celles du pair.",
      c: "Aucune des deux ne supprime la ressource : elles déclenchent une resynchronisation complète.",
      d: "Les deux commandes existent en DRBD 9 et font des choses opposées.",
    },
    explain:
      "Exact : invalidate = « mes données sont fausses » (je suis la cible), invalidate-remote = « celles du pair sont fausses » (je suis la source).",
    hint: "Lisez « drbdadm status » pendant chacune : qui est SyncSource, qui est SyncTarget ?",
  },
  {
    id: "q5.short",
    kind: "short",
    points: 2,
    prompt:
      "Le disque de node2 est suspect, node1 est sain. Quelle commande tapez-vous sur node2 pour le resynchroniser entièrement depuis node1 ?",
    accepted: ["drbdadm invalidate r0", "invalidate r0", "drbdadm invalidate", "invalidate", "drbdadm invalidate all"],
    mistakes: [
      {
        answers: [
          "drbdadm invalidate-remote r0",
          "invalidate-remote r0",
          "invalidate-remote",
          "drbdadm invalidate-remote",
        ],
        why: "invalidate-remote, lancée sur node2, ferait de node2 la source : ses données suspectes écraseraient celles de node1.",
      },
    ],
    explain:
      "Exact : « drbdadm invalidate r0 » sur node2 fait de node2 la cible d’une resynchronisation complète depuis node1.",
    hint: "La commande se lance sur le nœud dont on jette les données.",
  },
  {
    id: "q5.text",
    kind: "text",
    points: 3,
    prompt: "Quelle est la différence entre invalidate et invalidate-remote ?",
    rubric: {
      subjects: { invalidate: ["=invalidate"], remote: ["=invalidate =remote"] },
      ideas: [
        {
          id: "local",
          about: "invalidate",
          label: "invalidate jette les données locales (ce nœud devient cible)",
          any: BECOMES_TARGET,
          against: BECOMES_SOURCE,
        },
        {
          id: "peer",
          about: "remote",
          label: "invalidate-remote jette celles du pair (ce nœud devient source)",
          any: BECOMES_SOURCE,
          against: BECOMES_TARGET,
        },
        {
          id: "full-sync",
          label: "dans les deux cas, une resynchronisation complète suit",
          any: [["resync"], ["synchro"], ["recopi"], ["full sync"], ["complet"], ["ecras"], ["copie"]],
        },
      ],
    },
    explain: "Bonne réponse : données locales ou données du pair sacrifiées, puis resynchronisation complète.",
    hint: "Quelles données sont déclarées mauvaises dans chaque cas, et que se passe-t-il ensuite ?",
  },
];

export const quiz = questionExercise({
  id: "quiz",
  chapter: "quiz-final",
  title: "Quiz final",
  graderVersion: 2,
  questions,
  solution: {
    answers: {
      "q1.choice": "a",
      "q1.text":
        "DRBD réplique au niveau bloc, sous le système de fichiers : c’est transparent pour l’application, qui n’a rien à modifier.",
      "q2.choice": "a",
      "q2.text":
        "Quand la latence réseau est élevée, par exemple entre deux sites distants, et qu’on accepte de perdre les dernières écritures en cas de crash.",
      "q3.choice": "a",
      "q3.text":
        "Par défaut il détecte le split-brain à la reconnexion et coupe la connexion : les nœuds restent StandAlone et l’administrateur doit choisir manuellement la victime.",
      "q4.choice": "a",
      "q4.text":
        "DRBD refuse de passer Secondary tant que le périphérique est ouvert, et démonter vide le cache : sinon le système de fichiers serait incohérent.",
      "q5.choice": "a",
      "q5.short": "drbdadm invalidate r0",
      "q5.text":
        "invalidate jette les données locales, ce nœud devient la cible ; invalidate-remote jette celles du pair, ce nœud devient la source. Ensuite une resynchronisation complète a lieu.",
    },
  },
  wrong: [
    {
      name: "protocoles confondus",
      submission: { answers: { "q2.choice": "b", "q2.text": "Protocol A est plus sûr." } },
      failingChecks: ["quiz.q2.choice", "quiz.q2.text"],
    },
    {
      name: "invalidate et invalidate-remote inversés",
      submission: { answers: { "q5.choice": "b", "q5.short": "drbdadm invalidate-remote r0" } },
      failingChecks: ["quiz.q5.choice", "quiz.q5.short"],
    },
    {
      name: "split-brain fusionné automatiquement",
      submission: { answers: { "q3.choice": "c", "q3.text": "DRBD fusionne les données des deux nœuds." } },
      failingChecks: ["quiz.q3.choice", "quiz.q3.text"],
    },
    {
      name: "démontage jugé inutile",
      submission: { answers: { "q4.choice": "d", "q1.choice": "b" } },
      failingChecks: ["quiz.q4.choice", "quiz.q1.choice", "quiz.q4.text"],
    },
  ],
});
