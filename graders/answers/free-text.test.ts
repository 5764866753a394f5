import { describe, expect, it } from "vitest";
import { ex1_1 } from "../exercises/ex1.1";
import { ex2_1 } from "../exercises/ex2.1";
import { ex2_2 } from "../exercises/ex2.2";
import { ex4_1, ex4_2 } from "../exercises/ex4";
import { quiz } from "../exercises/quiz";
import type { FreeText } from "./questions";
import { gradeText } from "./rubric";

/**
 * Every free-text question of the course, answered right in other words (full marks, no
 * review flag) and answered wrong with the same keywords: inverted roles or direction, negated
 * ideas (never full marks; contradicted ideas are named).
 */
interface Case {
  right: string[];
  wrong: string[];
}

const CASES: Record<string, Record<string, Case>> = {
  quiz: {
    "q1.text": {
      right: [
        "DRBD est un RAID 1 réseau au niveau bloc : l'application ne sait même pas qu'il existe. La réplication applicative, elle, doit être intégrée dans l'application.",
        "DRBD réplique au niveau bloc, sous le système de fichiers : c’est transparent pour l’application, qui n’a rien à modifier.",
        "DRBD travaille sur des blocs, l application ne le voit pas ; la réplication applicative doit être gérée par l’application elle-même.",
        "La réplication applicative copie des transactions et demande de modifier l’application, alors que DRBD copie les blocs du disque sans que l’application en ait conscience.",
        "C'est un RAID 1 par le réseau : n'importe quelle application fonctionne dessus sans modification.",
      ],
      wrong: [
        "DRBD réplique des fichiers, pas des blocs ; l'application doit être modifiée, ce n'est pas transparent.",
        "DRBD réplique les transactions SQL ; l’application doit le gérer.",
        "La réplication applicative travaille au niveau bloc, DRBD au niveau des fichiers, et l’application doit être adaptée.",
        "DRBD n’est pas transparent : l’application a conscience de la réplication et doit être modifiée pour les blocs.",
      ],
    },
    "q2.text": {
      right: [
        "Le protocole C est plus sûr, mais le protocole A convient quand la latence est forte : on tolère alors une petite perte.",
        "Protocol A quand les nœuds sont éloignés : la latence réseau ralentirait chaque écriture en C, et on peut perdre les dernières écritures si le primaire tombe.",
        "Quand la latence réseau est élevée, par exemple entre deux sites distants, et qu’on accepte de perdre les dernières écritures en cas de crash.",
        "Pour une réplication longue distance : le protocole A n’attend pas le pair, donc les écritures restent rapides, au prix d’un RPO non nul.",
        "Protocole A si le lien est lent (WAN) et qu’une petite perte de données est tolérable ; le protocole C est plus sûr mais attend chaque écriture distante.",
      ],
      wrong: [
        "Protocol A est plus sûr.",
        "Quand aucune perte n'est acceptable : le protocole A garantit qu'aucune écriture n'est perdue, même avec une latence élevée.",
        "Sur un réseau local à faible latence, car A ne perd jamais de données.",
      ],
    },
    "q3.text": {
      right: [
        "Il ne fait rien tout seul : il détecte le split-brain, se déconnecte et attend que l'administrateur choisisse la victime.",
        "Par défaut il détecte le split-brain à la reconnexion et coupe la connexion : les nœuds restent StandAlone et l’administrateur doit choisir manuellement la victime.",
        "Il ne résout rien automatiquement : la connexion est refusée, chaque nœud passe StandAlone, et c’est à un humain de lancer connect --discard-my-data sur la victime.",
        "Détection à la reconnexion puis déconnexion ; aucune résolution automatique, il faut une intervention manuelle.",
      ],
      wrong: [
        "DRBD résout automatiquement le split-brain sans intervention de l'administrateur, sans déconnecter les nœuds.",
        "DRBD fusionne les données des deux nœuds.",
        "Il garde automatiquement les données du nœud qui a le plus écrit, la connexion est maintenue.",
        "Les nœuds restent connectés et DRBD choisit tout seul la victime.",
      ],
    },
    "q4.text": {
      right: [
        "Sinon drbdadm secondary refuse : le périphérique est encore ouvert. Et un FS monté des deux côtés serait corrompu.",
        "DRBD refuse de passer Secondary tant que le périphérique est ouvert, et démonter vide le cache : sinon le système de fichiers serait incohérent.",
        "Tant que le FS est monté, drbdadm secondary échoue avec l’erreur (-12) Device is held open ; le démontage écrit aussi sur disque les données en attente, sinon on risque de les perdre.",
        "On ne peut pas rétrograder un périphérique encore utilisé, et un ext4 monté sur deux nœuds serait corrompu.",
      ],
      wrong: [
        "Ce n'est pas important, on peut changer de rôle sans démonter.",
        "C'est inutile avec DRBD 9 : DRBD accepte de changer de rôle, il n'y a aucun risque de corruption.",
        "DRBD ne refuse pas : le démontage est facultatif et le cache ne pose pas de problème.",
      ],
    },
    "q5.text": {
      right: [
        "invalidate-remote déclare invalides les données du pair, qui devient la cible ; invalidate déclare invalides les données locales, le nœud local devient la cible. Copie complète.",
        "invalidate : mes données sont fausses, je les reçois du pair (je deviens SyncTarget). invalidate-remote : ce sont celles du pair qui sont fausses, je les lui envoie (SyncSource). Dans les deux cas resynchronisation complète.",
        "invalidate jette les données locales, ce nœud devient la cible ; invalidate-remote jette celles du pair, ce nœud devient la source. Ensuite une resynchronisation complète a lieu.",
        "Avec invalidate, le nœud déclare ses données locales invalides et les recopie entièrement depuis le pair (SyncTarget). Avec invalidate-remote, ce sont les données du pair qui sont écrasées : le nœud local devient SyncSource.",
        "Le nœud qui lance invalidate devient la cible d’une resynchronisation complète et le pair la source ; invalidate-remote fait l’inverse : ce nœud devient source et le pair cible.",
        "invalidate-remote : les données du pair sont écrasées par les nôtres, on devient SyncSource. invalidate : nos données locales sont écrasées, on les resynchronise depuis le pair.",
      ],
      wrong: [
        "Les deux font une resynchronisation complète, invalidate vers le pair, invalidate-remote depuis le pair.",
        "invalidate recopie les données locales vers le pair, il devient la source ; invalidate-remote récupère les données du pair, il devient la cible. Une resynchronisation complète suit.",
        "invalidate écrase les données du pair avec les données locales ; invalidate-remote écrase les données locales. Resynchronisation complète.",
        "Avec invalidate ce nœud devient SyncSource, avec invalidate-remote il devient SyncTarget, puis tout est recopié.",
      ],
    },
  },
  "ex1.1": {
    "q1.text": {
      right: [
        "Le Node 2 est Secondary. Seul le Primary peut ouvrir et monter /dev/drbd0, et node2 ne peut pas être promu tant que node1 est Primary : deux montages d’un système de fichiers ext4 le corrompraient.",
        "node2 a le rôle secondaire ; il faudrait le promouvoir, ce que DRBD refuse puisque node1 est déjà Primary (pas de allow-two-primaries).",
        "Parce qu’il est secondaire et qu’un seul nœud peut être primaire à la fois : sinon le système de fichiers serait corrompu.",
      ],
      wrong: [
        "Node 2 est Primary lui aussi, mais le port est bloqué.",
        "Il n'est pas secondaire, il peut monter en lecture seule.",
        "Les deux nœuds peuvent être Primary en même temps, node2 n'est pas secondaire : c'est un problème de droits.",
      ],
    },
    "q2.text": {
      right: [
        "Ça échoue : il faut être Primary pour écrire, le Secondary ne fait que recevoir la réplication.",
        "L’écriture est refusée (erreur « read-only ») : seul le Primary écrit, le Secondary ne reçoit que la réplication depuis le Primary.",
        "Impossible : le périphérique reste en lecture seule sur le secondaire, il faudrait d’abord le promouvoir, ce que DRBD refuse tant que node1 est Primary.",
        "On obtient une erreur, car les données d’un Secondary ne changent que par la réplication qui vient du primaire.",
      ],
      wrong: [
        "L'écriture est acceptée puis répliquée vers le Primary.",
        "Ce n'est pas refusé : l'écriture est mise en attente jusqu'à ce que le nœud devienne primaire.",
        "Il n'y a aucune erreur, les deux nœuds écrivent et DRBD synchronise vers le primaire.",
      ],
    },
    "q3.text": {
      right: [
        "Avec internal, les métadonnées sont à la fin du même périphérique que les données, ce qui réduit un peu la place utile. Avec /dev/sdb1 elles sont sur un périphérique séparé, ce qui peut améliorer les performances.",
        "meta-disk internal range les métadonnées dans la partition de données elle-même (à la fin) ; meta-disk /dev/sdb1 les met sur un disque dédié, pratique pour ajouter DRBD sous des données existantes.",
        "En interne, DRBD garde ses métadonnées sur le même disque, ce qui prend de l’espace ; sdb1 est une partition distincte réservée aux métadonnées.",
      ],
      wrong: [
        "Avec internal les métadonnées sont sur un disque séparé, avec /dev/sdb1 elles sont à la fin du même disque que les données.",
        "internal garde les métadonnées en mémoire ; /dev/sdb1 est le disque du pair.",
        "Les métadonnées internes sont sur un autre disque que les données et /dev/sdb1 est sur le même disque : c'est plus rapide.",
      ],
    },
  },
  "ex2.1": {
    "finance.why": {
      right: [
        "Aucune perte de transaction n’est acceptable : en C l’écriture n’est acquittée qu’une fois écrite sur les deux nœuds.",
        "On ne peut rien perdre : le protocole C ne confirme l’écriture qu’après qu’elle est sur le disque distant.",
        "Une banque exige un RPO de 0 ; la réplication synchrone garantit que chaque transaction validée existe sur les deux disques.",
      ],
      wrong: [
        "Une petite perte est acceptable, et A acquitte dès l'écriture locale, c'est plus rapide.",
        "On peut perdre quelques transactions, la réplication asynchrone suffit.",
      ],
    },
    "logs.why": {
      right: [
        "Perdre les dernières lignes de log est acceptable, on privilégie la performance.",
        "Des logs ne sont pas critiques : on tolère de perdre quelques lignes pour que l’écriture ne soit pas ralentie par le réseau.",
        "La perte des dernières lignes n’est pas grave, et A n’attend pas le pair : l’application reste rapide.",
      ],
      wrong: [
        "Les logs sont critiques, on ne peut accepter aucune perte, il faut la sécurité maximale.",
        "Aucune perte n'est tolérable et la performance n'a pas d'importance.",
      ],
    },
    "virtualisation.why": {
      right: [
        "Les disques des VM doivent rester cohérents après une bascule, et la migration à chaud avec deux Primary exige le protocole C.",
        "La migration à chaud demande allow-two-primaries, qui n’est accepté qu’en protocole C.",
        "Pour que les disques des machines virtuelles ne soient pas corrompus après une bascule, sans perte de données.",
      ],
      wrong: [
        "Une perte est acceptable pour des VM et la migration à chaud marche avec le protocole A.",
        "Les VM tolèrent de perdre des écritures : pas besoin de cohérence.",
      ],
    },
    "interdc.why": {
      right: [
        "Avec 100 ms de latence, chaque écriture synchrone attendrait l’aller-retour ; on accepte un RPO de quelques secondes.",
        "Entre deux datacenters distants, attendre le site distant ralentirait chaque écriture ; on tolère de perdre les dernières secondes.",
      ],
      wrong: [
        "La latence est négligeable et on veut un RPO de 0 : aucune perte.",
        "Le réseau est un LAN à faible latence, zéro perte exigée.",
      ],
    },
  },
  "ex2.2": {
    explain: {
      right: [
        "En C, l’écriture n’est acquittée qu’après la confirmation du pair, qui doit l’avoir écrite sur son disque distant : chaque écriture attend un aller-retour réseau.",
        "Le protocole C attend que le nœud secondaire ait écrit le bloc et réponde, donc la latence s’ajoute à chaque écriture.",
      ],
      wrong: [
        "En C l'écriture est acquittée dès l'écriture locale, seulement sur le disque local ; elle n'attend pas le pair.",
        "C est asynchrone : il n'attend aucune confirmation, il suffit que le bloc soit dans le tampon d'envoi.",
      ],
    },
  },
  "ex4.1": {
    explain: {
      right: [
        "Elle n’avait pas été validée par un COMMIT ; au démarrage sur node2, la récupération du WAL l’annule.",
        "La transaction était encore en cours, sans COMMIT : PostgreSQL rejoue son journal au démarrage et ignore ce qui n’a pas été validé.",
        "Elle a été interrompue avant le COMMIT, donc la recovery de PostgreSQL fait un rollback : l’atomicité est garantie par le WAL.",
      ],
      wrong: [
        "Elle avait été validée, mais DRBD l'a annulée.",
        "La transaction était terminée et commitée ; DRBD ne l'a pas répliquée, elle n'a pas été répliquée.",
      ],
    },
  },
  "ex4.2": {
    explain: {
      right: [
        "Chaque COMMIT fait un fsync du WAL, et en protocole C cette écriture attend l’acquittement du pair : la latence réseau s’ajoute à chaque transaction.",
        "pgbench est limité par les écritures synchrones des transactions ; avec DRBD chacune attend un aller-retour réseau.",
      ],
      wrong: [
        "DRBD n'ajoute aucune latence : la différence vient du CPU.",
        "La réplication est asynchrone, les COMMIT n'attendent pas ; ce sont les lectures (SELECT) qui ralentissent.",
      ],
    },
  },
};

const questionOf = (questions: readonly { id: string }[], id: string): FreeText => {
  const q = questions.find((x) => x.id === id) as FreeText | undefined;
  if (!q || (q as { kind: string }).kind !== "text") throw new Error(`${id}: not a free-text question`);
  return q;
};

const EXERCISES = { quiz, "ex1.1": ex1_1, "ex2.1": ex2_1, "ex2.2": ex2_2, "ex4.1": ex4_1, "ex4.2": ex4_2 };

describe("free-text rubrics: paraphrases pass, inversions fail", () => {
  for (const [exId, questions] of Object.entries(CASES)) {
    const def = EXERCISES[exId as keyof typeof EXERCISES];
    for (const [qId, c] of Object.entries(questions)) {
      const q = questionOf(def.questions ?? [], qId);
      for (const text of c.right) {
        it(`${exId} ${qId} accepts: ${text.slice(0, 60)}`, () => {
          const r = gradeText(text, q.rubric);
          const denied = [...r.contradicted, ...r.conflicting].map((i) => i.id);
          expect({ passed: r.passed, review: r.reviewReason, denied }).toEqual({
            passed: true,
            review: "",
            denied: [],
          });
        });
      }
      for (const text of c.wrong) {
        it(`${exId} ${qId} rejects: ${text.slice(0, 60)}`, () => {
          const r = gradeText(text, q.rubric);
          expect(r.passed).toBe(false);
          expect(r.fraction).toBeLessThan(1);
          expect(r.contradicted.length + r.conflicting.length).toBeGreaterThan(0);
        });
      }
    }
  }
});
