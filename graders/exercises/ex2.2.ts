import { questionExercise } from "../answers/exercise";
import type { Question } from "../answers/questions";

/**
 * Exercise 2.2: add 50 ms of latency and rerun the benchmark for each protocol. What is graded
 * now is what the learner should have observed and why (drbd-behavior §4: A completes when the
 * data is in the local send buffer, B on the peer's receive ack, C on the peer's write ack;
 * "throughput is mostly independent of the protocol; latency is not").
 * The measurement itself (benchmark runs in the lab) is graded once the engine's benchmark exists.
 */
const questions: Question[] = [
  {
    id: "least-affected",
    kind: "single",
    points: 2,
    prompt: "Avec 50 ms de latence ajoutée, quel protocole voit sa latence d’écriture le moins augmenter ?",
    options: [
      { id: "A", text: "Protocol A" },
      { id: "B", text: "Protocol B" },
      { id: "C", text: "Protocol C" },
      { id: "same", text: "Les trois de la même façon" },
    ],
    answer: "A",
    why: {
      B: "B attend l’accusé de réception du pair : chaque écriture paie un aller-retour réseau.",
      C: "C attend l’écriture sur le disque du pair : c’est le plus touché.",
      same: "Le protocole décide justement si l’écriture attend le réseau : A n’attend pas, B et C attendent.",
    },
    explain:
      "Exact : en A l’écriture est acquittée dès qu’elle est sur le disque local et dans le tampon d’envoi ; le réseau ne la retarde pas.",
    hint: "Comparez les colonnes « Latency » de vos benchmarks avant et après simulate-latency.sh.",
  },
  {
    id: "statements",
    kind: "multiple",
    points: 3,
    prompt: "Quelles affirmations sont vraies une fois les 50 ms de latence ajoutées ? (plusieurs réponses)",
    options: [
      { id: "c-rtt", text: "En protocole C, chaque écriture attend au moins un aller-retour réseau complet." },
      {
        id: "b-rtt",
        text: "En protocole B aussi, chaque écriture attend un aller-retour (l’accusé de réception du pair).",
      },
      {
        id: "a-buffer",
        text: "En protocole A, la latence réseau ne pèse pas sur l’écriture tant que le tampon d’envoi n’est pas plein.",
      },
      { id: "outdated", text: "La latence ajoutée fait passer le Secondary en Outdated." },
      {
        id: "parallel",
        text: "En protocole C, la latence ne change rien car l’envoi au pair se fait en parallèle de l’écriture locale.",
      },
    ],
    answers: ["c-rtt", "b-rtt", "a-buffer"],
    why: {
      outdated:
        "Le Secondary reste connecté et UpToDate : 50 ms ralentissent sans déconnecter (le délai « timeout » est de 6 s).",
      parallel:
        "L’envoi est bien parallèle à l’écriture locale, mais l’acquittement attend quand même la réponse du pair.",
    },
    explain: "Exact : B et C paient un aller-retour par écriture, A seulement si son tampon d’envoi se remplit.",
    hint: "Pour chaque protocole, demandez-vous quel message du pair l’écriture attend avant d’être acquittée.",
  },
  {
    id: "explain",
    kind: "text",
    points: 3,
    prompt: "Expliquez pourquoi le protocole C souffre le plus de la latence réseau.",
    rubric: {
      ideas: [
        {
          id: "waits",
          label: "l’écriture attend la confirmation du pair (un aller-retour réseau)",
          any: [["aller retour"], ["=rtt"], ["acquit"], ["=ack"], ["attend"], ["confirm"], ["reponse"]],
          against: [
            ["des =l ecritur local"],
            ["asynchron"],
            ["acquit =des local"],
            ["acquit immediat"],
            ["sans attendre"],
          ],
        },
        {
          id: "remote",
          label: "il faut que le pair ait écrit sur son disque",
          any: [["distant"], ["pair"], ["peer"], ["secondary"], ["secondair"], ["autre noeud"], ["remote"]],
          against: [["seulement", "disque local"], ["seul", "disque local"], ["tampon envoi"], ["buffer"]],
        },
      ],
    },
    explain: "Bonne explication : en C, chaque écriture attend l’écriture distante, donc un aller-retour réseau.",
    hint: "Que doit-il se passer sur l’autre nœud avant qu’une écriture soit acquittée en C ?",
  },
];

export const ex2_2 = questionExercise({
  id: "ex2.2",
  chapter: "tp2",
  title: "Exercice 2.2 : Simulation de latence réseau",
  graderVersion: 2,
  questions,
  solution: {
    answers: {
      "least-affected": "A",
      statements: ["c-rtt", "b-rtt", "a-buffer"],
      explain:
        "En C, l’écriture n’est acquittée qu’après la confirmation du pair, qui doit l’avoir écrite sur son disque distant : chaque écriture attend un aller-retour réseau.",
    },
  },
  wrong: [
    {
      name: "A pensé le plus lent",
      submission: { answers: { "least-affected": "C", statements: ["c-rtt", "parallel"] } },
      failingChecks: ["ex2.2.least-affected", "ex2.2.statements", "ex2.2.explain"],
    },
    {
      name: "latence confondue avec une déconnexion",
      submission: { answers: { "least-affected": "A", statements: ["c-rtt", "b-rtt", "a-buffer", "outdated"] } },
      failingChecks: ["ex2.2.statements"],
    },
  ],
});
