import { questionExercise } from "../answers/exercise";
import type { FreeText, Question } from "../answers/questions";

/**
 * Exercise 2.1: the protocol for four scenarios, with a justification each.
 * Decisions, grounded in DRBD's own rules (drbd-behavior §4, §1.8):
 * - financial database → C: only C acknowledges after the remote disk write (no loss on a
 *   single node failure); B can lose acknowledged writes if both nodes fail at once.
 * - log server → A (full credit): logs tolerate losing the last lines, and A takes the network
 *   out of the write latency. B gets half credit: defensible (loss only on a double failure) but
 *   it still waits for a network round trip per write, which logs do not need.
 * - virtualisation cluster → C: VM disks must stay consistent across failover, and live migration
 *   needs two Primaries, which the kernel only allows with C ("Failure: (139) Protocol C required").
 * - inter-datacenter, 100 ms → A: with C or B every write waits at least one WAN round trip;
 *   A keeps the application fast at the cost of an RPO of a few seconds (the workshop's 9.4 design).
 */
const PROTOCOLS = [
  { id: "A", text: "Protocol A (asynchrone)" },
  { id: "B", text: "Protocol B (semi-synchrone)" },
  { id: "C", text: "Protocol C (synchrone)" },
];

const LOSS = [
  ["aucune perte"],
  ["zero perte"],
  ["perte zero"],
  ["pas de perte"],
  ["sans perte"],
  ["=rpo =0"],
  ["integrit"],
  ["durabil"],
  ["rien perdre"],
  ["jamais perdre"],
];

/** Saying that losing writes is fine: the opposite of LOSS. */
const LOSS_OK = [
  ["perte accept"],
  ["accept perte"],
  ["accept =de perdre"],
  ["perte toler"],
  ["toler perte"],
  ["peut perdre"],
];
/** Saying that the write is acknowledged before the peer has it: the opposite of a synchronous ack. */
const EARLY_ACK = [["asynchron"], ["des =l ecritur local"], ["n attend pas"], ["sans attendre"]];

function why(id: string, scenario: string, ideas: FreeText["rubric"]["ideas"], pass?: number): FreeText {
  return {
    id: `${id}.why`,
    kind: "text",
    points: 2,
    prompt: `Justifiez votre choix pour : ${scenario}.`,
    rubric: pass === undefined ? { ideas } : { ideas, pass },
    explain: `Justification convaincante pour : ${scenario}.`,
    hint: "Une bonne justification dit ce que le scénario ne peut pas se permettre (perte ? latence ?) et ce que le protocole garantit.",
  };
}

const questions: Question[] = [
  {
    id: "protocols",
    kind: "matching",
    points: 8,
    prompt: "Pour chaque scénario, indiquez le protocole recommandé.",
    hint: "Pour chaque scénario, demandez-vous : peut-on perdre les dernières écritures ? la latence réseau est-elle grande ?",
    choices: PROTOCOLS,
    items: [
      {
        id: "finance",
        text: "Base de données financières",
        credit: { C: 1 },
        explain:
          "Aucune transaction validée ne doit être perdue : C n’acquitte qu’après l’écriture sur le disque distant.",
        why: {
          A: "En protocole A, les écritures encore dans le tampon d’envoi sont perdues si le Primary tombe : inacceptable pour des transactions financières.",
          B: "B n’attend que la réception en mémoire par le pair : une panne simultanée des deux nœuds peut perdre des transactions déjà acquittées.",
        },
      },
      {
        id: "logs",
        text: "Serveur de logs",
        credit: { A: 1, B: 0.5 },
        explain:
          "Des logs tolèrent la perte des toutes dernières lignes ; A acquitte dès que l’écriture est sur le disque local et dans le tampon d’envoi TCP : la latence réseau ne ralentit plus l’application.",
        why: {
          B: "B se défend (perte seulement en cas de double panne), mais chaque écriture attend encore un aller-retour réseau ; pour des logs, qui tolèrent une petite perte, A est le choix recommandé.",
          C: "C sécurise tout, mais fait payer un aller-retour réseau et une écriture distante à chaque ligne de log, ce que des logs ne justifient pas.",
        },
      },
      {
        id: "virtualisation",
        text: "Cluster de virtualisation",
        credit: { C: 1 },
        explain:
          "Les disques des VM doivent rester cohérents après bascule, et la migration à chaud (deux Primary) exige C.",
        why: {
          A: "Après la perte du Primary, les VM redémarreraient sur des disques privés des dernières écritures ; et le double Primary de la migration à chaud est refusé hors protocole C.",
          B: "allow-two-primaries, nécessaire à la migration à chaud, est refusé hors protocole C (« Failure: (139) Protocol C required »).",
        },
      },
      {
        id: "interdc",
        text: "Réplication inter-datacenter (100 ms de latence)",
        credit: { A: 1 },
        explain:
          "Avec 100 ms de latence, seul A évite d’attendre le WAN à chaque écriture ; on accepte un RPO de quelques secondes.",
        why: {
          B: "B attend l’accusé de réception du pair : au moins un aller-retour WAN (les 100 ms, mesurés aller-retour comme le fait ping) par écriture.",
          C: "C attend l’écriture sur le disque distant : chaque écriture paierait au moins un aller-retour WAN, l’application deviendrait très lente.",
        },
      },
    ],
  },
  why("finance", "la base de données financières", [
    { id: "no-loss", label: "aucune perte de transaction acceptable", any: LOSS, against: LOSS_OK },
    {
      id: "sync-ack",
      label: "l’écriture n’est acquittée qu’une fois écrite sur les deux nœuds (synchrone)",
      any: [["synchron"], ["acquit"], ["=ack"], ["deux disques"], ["deux noeuds"], ["ecrit", "distant"], ["confirm"]],
      against: EARLY_ACK,
    },
  ]),
  why("logs", "le serveur de logs", [
    {
      id: "loss-ok",
      label: "perdre les dernières lignes de log est acceptable",
      any: [
        ["toler"],
        ["~critique"],
        ["accept"],
        ["perte"],
        ["perdre"],
        ["perdu"],
        ["~grave"],
        ["~importan"],
        ["peu importan"],
      ],
      against: [["aucun perte"], ["rien perdre"], ["jamais perdre"], ["toute ligne", "garder"]],
    },
    {
      id: "speed",
      label: "on privilégie la performance (latence d’écriture)",
      any: [["perf"], ["laten"], ["rapid"], ["debit"], ["vitesse"], ["~ralenti"], ["~attend"]],
      against: [["securi"], ["plus =sur"]],
    },
  ]),
  why(
    "virtualisation",
    "le cluster de virtualisation",
    [
      {
        id: "consistency",
        label: "les disques des VM doivent rester cohérents, sans perte, après une bascule",
        any: [["coheren"], ["integrit"], ["~corromp"], ["~corrupt"], ...LOSS],
        against: LOSS_OK,
      },
      {
        id: "live-migration",
        label: "la migration à chaud (deux Primary) exige le protocole C",
        any: [["migration"], ["dual"], ["deux prima"], ["allow two"], ["live"]],
        against: [
          ["migration", "=protocole =a"],
          ["migration", "=protocole =b"],
          ["migration", "importe quel protocole"],
        ],
      },
    ],
    1,
  ),
  why("interdc", "la réplication inter-datacenter", [
    {
      id: "latency",
      label: "la latence de 100 ms pénaliserait chaque écriture en mode synchrone",
      any: [["laten"], ["=100"], ["aller retour"], ["=rtt"], ["distan"], ["lent"]],
      against: [["faibl laten"], ["laten faibl"], ["laten negligeabl"], ["=lan"]],
    },
    {
      id: "rpo",
      label: "on accepte de perdre quelques secondes d’écritures (RPO non nul)",
      any: [["=rpo"], ["perte"], ["perdre"], ["perdu"], ["quelques secondes"], ["accept"], ["toler"]],
      against: [["=rpo =0"], ["=rpo nul"], ["zero perte"], ["aucun perte"]],
    },
  ]),
];

export const ex2_1 = questionExercise({
  id: "ex2.1",
  chapter: "tp2",
  title: "Exercice 2.1 : Choix du protocole",
  graderVersion: 2,
  questions,
  solution: {
    answers: {
      protocols: { finance: "C", logs: "A", virtualisation: "C", interdc: "A" },
      "finance.why":
        "Aucune perte de transaction n’est acceptable : en C l’écriture n’est acquittée qu’une fois écrite sur les deux nœuds.",
      "logs.why": "Perdre les dernières lignes de log est acceptable, on privilégie la performance.",
      "virtualisation.why":
        "Les disques des VM doivent rester cohérents après une bascule, et la migration à chaud avec deux Primary exige le protocole C.",
      "interdc.why":
        "Avec 100 ms de latence, chaque écriture synchrone attendrait l’aller-retour ; on accepte un RPO de quelques secondes.",
    },
  },
  wrong: [
    {
      name: "tout en protocole A",
      submission: { answers: { protocols: { finance: "A", logs: "A", virtualisation: "A", interdc: "A" } } },
      failingChecks: ["ex2.1.protocols.finance", "ex2.1.protocols.virtualisation", "ex2.1.finance.why"],
    },
    {
      name: "tout en protocole C",
      submission: { answers: { protocols: { finance: "C", logs: "C", virtualisation: "C", interdc: "C" } } },
      failingChecks: ["ex2.1.protocols.logs", "ex2.1.protocols.interdc"],
    },
    {
      name: "logs en B (défendable, points partiels)",
      submission: { answers: { protocols: { finance: "C", logs: "B", virtualisation: "C", interdc: "A" } } },
      failingChecks: ["ex2.1.protocols.logs"],
    },
  ],
});
