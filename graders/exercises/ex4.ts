import { questionExercise } from "../answers/exercise";
import type { Question } from "../answers/questions";

/**
 * Exercises 4.1 and 4.2 (PostgreSQL on DRBD). The workshop asks the learner to *verify* a
 * rollback and to *compare* benchmark figures; what is graded here is that verification and
 * comparison (the observation and its explanation). Replaying the PostgreSQL lab itself is
 * pending the engine's PostgreSQL service.
 */
const consistency: Question[] = [
  {
    id: "rows",
    kind: "single",
    points: 2,
    prompt:
      "La table test contient 1000 lignes. Sur node1, une transaction insère 5000 lignes sans COMMIT quand node1 est arrêté brutalement. Après la bascule sur node2, combien de lignes contient la table ?",
    options: [
      { id: "1000", text: "1000" },
      { id: "6000", text: "6000" },
      { id: "between", text: "Entre 1000 et 6000, selon ce qui avait déjà été répliqué" },
      { id: "zero", text: "0 : la table est corrompue" },
    ],
    answer: "1000",
    why: {
      "6000": "La transaction n’a jamais été validée : PostgreSQL ne l’expose pas, même après la bascule.",
      between:
        "Une partie des blocs de la transaction a pu être répliquée, mais la récupération de PostgreSQL ignore toute transaction sans COMMIT : c’est tout ou rien.",
      zero: "Les 1000 lignes validées étaient sur les deux disques (protocole C) : la récupération les retrouve.",
    },
    explain: "Exact : 1000. La transaction interrompue est annulée ; les lignes validées avant sont toutes là.",
    hint: "Sur node2, après « pg_ctl start », lancez SELECT COUNT(*) FROM test.",
  },
  {
    id: "guarantees",
    kind: "multiple",
    points: 3,
    prompt: "Qu’est-ce qui garantit ce résultat ? (plusieurs réponses)",
    options: [
      {
        id: "wal",
        text: "Le WAL de PostgreSQL : au démarrage sur node2, la récupération rejoue les transactions validées et ignore les autres.",
      },
      {
        id: "protoc",
        text: "Le protocole C : un COMMIT n’est acquitté qu’une fois son WAL écrit sur les deux disques.",
      },
      { id: "drbd-tx", text: "DRBD annule les transactions non validées." },
      { id: "clean-stop", text: "L’arrêt propre de PostgreSQL sur node1 avant la bascule." },
    ],
    answers: ["wal", "protoc"],
    why: {
      "drbd-tx":
        "DRBD ne connaît pas les transactions : il réplique des blocs, y compris ceux d’une transaction non validée ; c’est PostgreSQL qui les ignore.",
      "clean-stop": "Ici la bascule est forcée, sans arrêt propre : c’est justement ce que l’exercice teste.",
    },
    explain:
      "Exact : DRBD (protocole C) garantit que tout ce qui est acquitté est sur node2 ; le WAL de PostgreSQL garantit l’atomicité.",
    hint: "Séparez le rôle de DRBD (des blocs) et celui de PostgreSQL (des transactions).",
  },
  {
    id: "query",
    kind: "short",
    points: 1,
    prompt: "Quelle requête SQL lancez-vous sur node2 pour compter les lignes de la table test ?",
    accepted: ["SELECT COUNT(*) FROM test", "select count(id) from test", "select count(1) from test"],
    explain: "Exact.",
    hint: "Une requête d’agrégat sur la table test.",
  },
  {
    id: "explain",
    kind: "text",
    points: 3,
    prompt: "Pourquoi la transaction interrompue n’apparaît-elle pas sur node2 ?",
    rubric: {
      ideas: [
        {
          id: "uncommitted",
          label: "elle n’avait pas été validée (pas de COMMIT)",
          any: [
            ["~commit"],
            ["~valid"],
            ["~termin"],
            ["~fini"],
            ["~achev"],
            ["inachev"],
            ["interromp"],
            ["en cours"],
            ["avant =le commit"],
            ["avant =son commit"],
            ["avant =d etre valid"],
            ["non commit"],
            ["non valid"],
            ["uncommitted"],
          ],
        },
        {
          id: "recovery",
          label: "la récupération de PostgreSQL (WAL) l’annule au démarrage",
          any: [
            ["=wal"],
            ["journal"],
            ["recovery"],
            ["recuperation"],
            ["rejou"],
            ["replay"],
            ["atomi"],
            ["=acid"],
            ["rollback"],
            ["annul"],
          ],
          against: [["=drbd annul"], ["=drbd =a annul"], ["=drbd rollback"], ["pas =ete repliq"], ["perdu =par =drbd"]],
        },
      ],
    },
    explain: "Bonne explication : transaction non validée, annulée par la récupération du WAL.",
    hint: "Deux idées : l’état de la transaction au moment du crash, et ce que fait PostgreSQL au démarrage.",
  },
];

export const ex4_1 = questionExercise({
  id: "ex4.1",
  chapter: "tp4",
  title: "Exercice 4.1 : Test de cohérence",
  graderVersion: 2,
  questions: consistency,
  solution: {
    answers: {
      rows: "1000",
      guarantees: ["wal", "protoc"],
      query: "select count(*) from test;",
      explain: "Elle n’avait pas été validée par un COMMIT ; au démarrage sur node2, la récupération du WAL l’annule.",
    },
  },
  wrong: [
    {
      name: "DRBD croit-on transactionnel",
      submission: { answers: { rows: "between", guarantees: ["drbd-tx"] } },
      failingChecks: ["ex4.1.rows", "ex4.1.guarantees", "ex4.1.explain"],
    },
    {
      name: "mauvaise requête",
      submission: { answers: { rows: "1000", query: "SELECT * FROM test" } },
      failingChecks: ["ex4.1.query"],
    },
  ],
});

const benchmark: Question[] = [
  {
    id: "tps",
    kind: "single",
    points: 2,
    prompt:
      "Avec DRBD en protocole C, comment évolue le nombre de transactions par seconde (TPS) de pgbench par rapport au même disque sans DRBD ?",
    options: [
      { id: "lower", text: "Il baisse : chaque COMMIT attend que son WAL soit aussi écrit sur le disque de node2." },
      { id: "same", text: "Il est identique : DRBD réplique en arrière-plan." },
      { id: "higher", text: "Il augmente grâce aux lectures réparties sur les deux nœuds." },
    ],
    answer: "lower",
    why: {
      same: "Répliquer en arrière-plan, c’est le protocole A ; en C l’écriture attend le pair.",
      higher: "read-balancing vaut prefer-local par défaut, et pgbench est limité par les écritures synchrones du WAL.",
    },
    explain:
      "Exact : en protocole C, chaque fsync du WAL attend l’écriture distante (aller-retour réseau + disque de node2).",
    hint: "Comparez les lignes « tps = … » des deux runs de pgbench.",
  },
  {
    id: "levers",
    kind: "multiple",
    points: 3,
    prompt: "Quels changements réduisent le coût de DRBD sur ce benchmark ? (plusieurs réponses)",
    options: [
      {
        id: "proto-a",
        text: "Passer en protocole A, au prix de la perte possible des dernières transactions si le Primary tombe.",
      },
      { id: "network", text: "Un lien de réplication dédié à plus faible latence." },
      {
        id: "no-flush",
        text: "no-disk-flushes / no-md-flushes, seulement avec un contrôleur à cache protégé par batterie.",
      },
      { id: "c-max-rate", text: "Augmenter c-max-rate." },
      { id: "verify-alg", text: "Ajouter verify-alg sha1." },
    ],
    answers: ["proto-a", "network", "no-flush"],
    why: {
      "c-max-rate": "c-max-rate ne règle que la resynchronisation, pas la réplication des écritures courantes.",
      "verify-alg": "verify-alg ne sert qu’à « drbdadm verify » ; il n’accélère rien.",
    },
    explain: "Exact : le coût vient de l’attente du pair (protocole, latence) et des flushs disque.",
    hint: "Qu’attend une écriture en protocole C ? Quels réglages raccourcissent cette attente ?",
  },
  {
    id: "explain",
    kind: "text",
    points: 3,
    prompt: "Expliquez la différence de performance mesurée avec et sans DRBD.",
    rubric: {
      ideas: [
        {
          id: "waits-peer",
          label: "chaque écriture synchrone attend le pair (latence réseau)",
          any: [["attend"], ["acquit"], ["aller retour"], ["laten"], ["synchron"], ["reseau"]],
          against: [["asynchron"], ["cpu"], ["processeur"], ["aucun impact"], ["aucune difference"], ["gratuit"]],
        },
        {
          id: "commit",
          label: "pgbench est limité par les écritures synchrones du COMMIT (WAL, fsync)",
          any: [["commit"], ["fsync"], ["=wal"], ["ecritur"], ["transaction"]],
          against: [["lecture"], ["select"]],
        },
      ],
    },
    explain: "Bonne explication : les COMMIT synchrones attendent la réplication.",
    hint: "Reliez ce que fait un COMMIT et ce qu’attend une écriture en protocole C.",
  },
];

export const ex4_2 = questionExercise({
  id: "ex4.2",
  chapter: "tp4",
  title: "Exercice 4.2 : Benchmark PostgreSQL",
  graderVersion: 2,
  questions: benchmark,
  solution: {
    answers: {
      tps: "lower",
      levers: ["proto-a", "network", "no-flush"],
      explain:
        "Chaque COMMIT fait un fsync du WAL, et en protocole C cette écriture attend l’acquittement du pair : la latence réseau s’ajoute à chaque transaction.",
    },
  },
  wrong: [
    {
      name: "réplication pensée gratuite",
      submission: { answers: { tps: "same", levers: ["c-max-rate", "verify-alg"] } },
      failingChecks: ["ex4.2.tps", "ex4.2.levers"],
    },
  ],
});
