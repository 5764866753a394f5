import { type Scale, strtollUnit } from "./units";

/**
 * The one table of DRBD 9 configuration options (U9 config_flags.c contexts, HDR
 * linux/drbd_limits.h). It drives the parser (which names a section accepts, value checks and
 * their messages), `drbdadm dump`, the resolved settings, the editor completion and the annex.
 * Order inside a section matters: drbdadm lists the names in this order in
 * "'a | b | c' expected" messages.
 */
export type OptionSection = "net" | "disk" | "peer-device" | "device" | "options" | "startup" | "handlers" | "global";

export type OptionType = "bool" | "enum" | "numeric" | "string" | "enum-num";

export interface OptionDef {
  section: OptionSection;
  name: string;
  type: OptionType;
  /** Default in the option's base unit (numbers), "yes"/"no" as boolean, enum string. */
  default?: boolean | string | number;
  min?: number;
  max?: number;
  /** Default unit of a bare number: '1' as is, 'k' KiB, 's' 512-byte sectors. */
  scale?: Scale;
  /** Human label of the base unit the parsed number is expressed in. */
  unit?: string;
  values?: readonly string[];
  /** `protocol c` is accepted (ENUM_NOCASE). */
  nocase?: boolean;
  /** Strings: length must stay below this (SHARED_SECRET_MAX = 64). */
  maxLen?: number;
  /** al-extents: out-of-range values are clamped instead of refused. */
  implicitClamp?: boolean;
  /** resync-after: checked in post-parse (`res/vnr`), not by the parser. */
  postparse?: boolean;
  /** Accepted by the startup section's delegate, not a real field (become-primary-on ...). */
  delegate?: boolean;
  fr: string;
}

const num = (
  section: OptionSection,
  name: string,
  def: number,
  min: number,
  max: number,
  unit: string,
  fr: string,
  scale: Scale = "1",
): OptionDef => ({ section, name, type: "numeric", default: def, min, max, scale, unit, fr });
const bool = (section: OptionSection, name: string, def: boolean, fr: string): OptionDef => ({
  section,
  name,
  type: "bool",
  default: def,
  fr,
});
const en = (section: OptionSection, name: string, values: readonly string[], def: string, fr: string): OptionDef => ({
  section,
  name,
  type: "enum",
  values,
  default: def,
  fr,
});
const str = (section: OptionSection, name: string, fr: string, maxLen?: number): OptionDef => ({
  section,
  name,
  type: "string",
  fr,
  ...(maxLen ? { maxLen } : {}),
});

const SECRET_MAX = 64;
const MiB = 1 << 20;

const NET: OptionDef[] = [
  str("net", "transport", "Module de transport DRBD (tcp par défaut, rdma).", SECRET_MAX),
  bool("net", "load-balance-paths", false, "Répartit le trafic sur tous les chemins (path) d'une connexion."),
  {
    ...en(
      "net",
      "protocol",
      ["A", "B", "C"],
      "C",
      "Protocole de réplication : A asynchrone, B semi-synchrone (mémoire du pair), C synchrone (disque du pair).",
    ),
    nocase: true,
  },
  num(
    "net",
    "timeout",
    60,
    1,
    600,
    "0,1 s",
    "Délai (en dixièmes de seconde) sans réponse du pair avant de le déclarer mort ; doit rester inférieur à connect-int et ping-int.",
  ),
  num(
    "net",
    "max-epoch-size",
    2048,
    1,
    20000,
    "requêtes",
    "Nombre maximal de requêtes d'écriture entre deux barrières.",
  ),
  num("net", "connect-int", 10, 1, 120, "s", "Intervalle (secondes) entre deux tentatives de connexion au pair."),
  num(
    "net",
    "ping-int",
    10,
    1,
    120,
    "s",
    "Intervalle (secondes) d'envoi d'un keep-alive quand la connexion est inactive.",
  ),
  num(
    "net",
    "sndbuf-size",
    0,
    0,
    128 * MiB,
    "octets",
    "Taille du tampon d'émission TCP (octets, suffixes k/M acceptés) ; 0 = réglage automatique.",
  ),
  num(
    "net",
    "rcvbuf-size",
    0,
    0,
    128 * MiB,
    "octets",
    "Taille du tampon de réception TCP (octets) ; 0 = réglage automatique.",
  ),
  num(
    "net",
    "ko-count",
    7,
    0,
    200,
    "délais",
    "Nombre de délais d'écriture dépassés avant d'exclure le pair ; 0 = désactivé.",
  ),
  bool(
    "net",
    "allow-two-primaries",
    false,
    "Autorise deux nœuds Primary en même temps (double primaire) ; exige le protocole C et un système de fichiers de cluster.",
  ),
  str("net", "cram-hmac-alg", "Algorithme HMAC d'authentification des pairs (ex. sha1).", SECRET_MAX),
  str("net", "shared-secret", "Secret partagé pour l'authentification des pairs (64 caractères max).", SECRET_MAX),
  en(
    "net",
    "after-sb-0pri",
    [
      "disconnect",
      "discard-younger-primary",
      "discard-older-primary",
      "discard-zero-changes",
      "discard-least-changes",
      "discard-local",
      "discard-remote",
    ],
    "disconnect",
    "Politique de récupération d'un split-brain quand aucun nœud n'est Primary.",
  ),
  en(
    "net",
    "after-sb-1pri",
    ["disconnect", "consensus", "discard-secondary", "call-pri-lost-after-sb", "violently-as0p"],
    "disconnect",
    "Politique de récupération d'un split-brain quand un seul nœud est Primary.",
  ),
  en(
    "net",
    "after-sb-2pri",
    ["disconnect", "call-pri-lost-after-sb", "violently-as0p"],
    "disconnect",
    "Politique de récupération d'un split-brain quand les deux nœuds sont Primary.",
  ),
  bool(
    "net",
    "always-asbp",
    false,
    "Applique les politiques after-sb même si l'historique des UUID ne le permet pas normalement.",
  ),
  en(
    "net",
    "rr-conflict",
    ["disconnect", "call-pri-lost", "violently", "retry-connect", "auto-discard"],
    "disconnect",
    "Conduite si la resynchronisation irait vers un nœud Primary.",
  ),
  num(
    "net",
    "ping-timeout",
    5,
    1,
    300,
    "0,1 s",
    "Délai (dixièmes de seconde) d'attente de la réponse à un keep-alive.",
  ),
  str(
    "net",
    "data-integrity-alg",
    "Algorithme de contrôle d'intégrité de chaque bloc répliqué (ex. crc32c).",
    SECRET_MAX,
  ),
  bool("net", "tcp-cork", true, "Regroupe les petits paquets TCP (TCP_CORK)."),
  en(
    "net",
    "on-congestion",
    ["block", "pull-ahead", "disconnect"],
    "block",
    "Conduite quand le lien de réplication est saturé (pull-ahead seulement avec le protocole A).",
  ),
  num(
    "net",
    "congestion-fill",
    0,
    0,
    10 << 21,
    "secteurs",
    "Volume en vol (secteurs, suffixes k/M/G acceptés) déclenchant on-congestion ; 0 = désactivé.",
    "s",
  ),
  num("net", "congestion-extents", 1237, 67, 65534, "extents", "Nombre d'extents actifs déclenchant on-congestion."),
  str("net", "csums-alg", "Algorithme de somme de contrôle pour une resynchronisation par checksums.", SECRET_MAX),
  bool("net", "csums-after-crash-only", false, "N'utilise csums-alg qu'après un crash du Primary."),
  str("net", "verify-alg", "Algorithme utilisé par « drbdadm verify » (ex. sha1, crc32c).", SECRET_MAX),
  bool("net", "use-rle", true, "Compresse les bitmaps échangés (run-length encoding)."),
  num(
    "net",
    "socket-check-timeout",
    0,
    0,
    300,
    "0,1 s",
    "Délai (dixièmes de seconde) de vérification des sockets à la connexion ; 0 = ping-timeout.",
  ),
  en(
    "net",
    "fencing",
    ["dont-care", "resource-only", "resource-and-stonith"],
    "dont-care",
    "Politique d'isolement (fencing) du pair ; drbdadm 9 la range dans net.",
  ),
  num(
    "net",
    "max-buffers",
    2048,
    32,
    131072,
    "pages",
    "Nombre maximal de tampons (pages de 4 KiB) alloués par DRBD pour recevoir les données.",
  ),
  bool("net", "allow-remote-read", true, "Autorise la lecture des données depuis le pair."),
  bool("net", "tls", false, "Chiffre la connexion avec TLS (kTLS)."),
  str("net", "tls-keyring", "Trousseau de clés TLS du noyau."),
  str("net", "tls-privkey", "Clé privée TLS (trousseau du noyau)."),
  str("net", "tls-certificate", "Certificat TLS (trousseau du noyau)."),
  num("net", "rdma-ctrl-rcvbuf-size", 0, 0, 10 * MiB, "octets", "Tampon de réception du canal de contrôle RDMA."),
  num("net", "rdma-ctrl-sndbuf-size", 0, 0, 10 * MiB, "octets", "Tampon d'émission du canal de contrôle RDMA."),
  str("net", "_name", "Nom de la connexion (interne).", SECRET_MAX),
];

const DISK: OptionDef[] = [
  num(
    "disk",
    "size",
    0,
    0,
    2 * 2 ** 40,
    "secteurs",
    "Taille utilisée du disque sous-jacent (secteurs ; suffixes k/M/G) ; 0 = tout le disque.",
    "s",
  ),
  en(
    "disk",
    "on-io-error",
    ["pass_on", "call-local-io-error", "detach"],
    "detach",
    "Conduite sur erreur d'E/S du disque local : detach (passer Diskless), pass_on, call-local-io-error.",
  ),
  bool("disk", "disk-barrier", false, "Utilise les barrières d'écriture du disque (obsolète)."),
  bool(
    "disk",
    "disk-flushes",
    true,
    "Vide le cache du disque aux points de cohérence ; « no-disk-flushes » seulement avec un cache protégé par batterie.",
  ),
  bool("disk", "disk-drain", true, "Attend la fin des requêtes en cours aux points de cohérence."),
  bool("disk", "md-flushes", true, "Vide le cache lors des écritures de métadonnées."),
  {
    section: "disk",
    name: "resync-after",
    type: "string",
    postparse: true,
    fr: "Resynchroniser seulement après la ressource/volume indiqué (ex. r0/0).",
  },
  {
    ...num(
      "disk",
      "al-extents",
      1237,
      67,
      65534,
      "extents",
      "Taille de l'activity log en extents de 4 MiB (valeur hors bornes ramenée dans [67..65534]).",
    ),
    implicitClamp: true,
  },
  bool(
    "disk",
    "al-updates",
    true,
    "Met à jour l'activity log sur disque ; no = resynchronisation complète après crash du Primary.",
  ),
  bool("disk", "discard-zeroes-if-aligned", true, "Considère qu'un discard aligné remet les blocs à zéro."),
  bool("disk", "disable-write-same", false, "Désactive WRITE SAME."),
  num(
    "disk",
    "disk-timeout",
    0,
    0,
    6000,
    "0,1 s",
    "Délai (dixièmes de seconde) avant de considérer le disque local comme défaillant ; 0 = désactivé.",
  ),
  en(
    "disk",
    "read-balancing",
    [
      "prefer-local",
      "prefer-remote",
      "round-robin",
      "least-pending",
      "when-congested-remote",
      "32K-striping",
      "64K-striping",
      "128K-striping",
      "256K-striping",
      "512K-striping",
      "1M-striping",
    ],
    "prefer-local",
    "Répartition des lectures entre le disque local et le pair.",
  ),
  num(
    "disk",
    "rs-discard-granularity",
    0,
    0,
    MiB,
    "octets",
    "Granularité des discards pendant la resynchronisation ; 0 = désactivé.",
  ),
  bool("disk", "bitmap", true, "Tient un bitmap des blocs désynchronisés pour ce volume."),
];

const PEER_DEVICE: OptionDef[] = [
  num(
    "peer-device",
    "resync-rate",
    250,
    1,
    8 * MiB,
    "KiB/s",
    "Débit de resynchronisation (KiB/s par défaut, suffixes K/M/G) ; sert de valeur fixe si c-plan-ahead vaut 0.",
    "k",
  ),
  num(
    "peer-device",
    "c-plan-ahead",
    20,
    0,
    300,
    "0,1 s",
    "Horizon du contrôleur de resynchronisation dynamique (dixièmes de seconde) ; 0 = débit fixe resync-rate.",
  ),
  num(
    "peer-device",
    "c-delay-target",
    10,
    1,
    100,
    "0,1 s",
    "Délai cible du contrôleur de resynchronisation (dixièmes de seconde).",
  ),
  num(
    "peer-device",
    "c-fill-target",
    100,
    0,
    MiB,
    "secteurs",
    "Volume en vol visé par le contrôleur (secteurs de 512 o ; 100 = 50 KiB).",
    "s",
  ),
  num(
    "peer-device",
    "c-max-rate",
    102400,
    0,
    4 * MiB,
    "KiB/s",
    "Débit maximal de resynchronisation du contrôleur dynamique (KiB/s ; 100M = 100 MiB/s).",
    "k",
  ),
  num(
    "peer-device",
    "c-min-rate",
    250,
    0,
    4 * MiB,
    "KiB/s",
    "Débit minimal de resynchronisation garanti quand l'application écrit (KiB/s).",
    "k",
  ),
  bool("peer-device", "bitmap", true, "Tient un bitmap pour ce pair."),
  bool("peer-device", "resync-without-replication", true, "Autorise la resynchronisation sans réplication."),
  bool("peer-device", "peer-tiebreaker", true, "Ce pair compte comme arbitre pour le quorum."),
];

const DEVICE: OptionDef[] = [
  num("device", "max-bio-size", MiB, 512, MiB, "octets", "Taille maximale d'une requête d'E/S."),
  { ...bool("device", "diskless", false, "Volume volontairement sans disque (client)."), type: "bool" },
  num("device", "block-size", 512, 512, 4096, "octets", "Taille de bloc logique exposée."),
  num("device", "discard-granularity", 0xffffffff, 0, 128 * MiB, "octets", "Granularité des discards exposée."),
];

const OPTIONS: OptionDef[] = [
  str("options", "cpu-mask", "Masque des CPU utilisés par les threads noyau de DRBD.", 256),
  en(
    "options",
    "on-no-data-accessible",
    ["io-error", "suspend-io"],
    "io-error",
    "Conduite quand aucune copie à jour n'est accessible : io-error ou suspend-io.",
  ),
  bool(
    "options",
    "auto-promote",
    true,
    "Promeut automatiquement en Primary à l'ouverture en écriture du périphérique.",
  ),
  num(
    "options",
    "peer-ack-window",
    4096,
    2048,
    204800,
    "secteurs",
    "Fenêtre des acquittements entre pairs (secteurs).",
    "s",
  ),
  num("options", "peer-ack-delay", 100, 1, 10000, "ms", "Délai maximal d'envoi des acquittements entre pairs (ms)."),
  num(
    "options",
    "twopc-timeout",
    300,
    50,
    600,
    "0,1 s",
    "Délai (dixièmes de seconde) d'une transaction à deux phases.",
  ),
  num("options", "twopc-retry-timeout", 1, 1, 50, "0,1 s", "Délai avant de réessayer une transaction à deux phases."),
  num(
    "options",
    "auto-promote-timeout",
    20,
    0,
    600,
    "0,1 s",
    "Temps (dixièmes de seconde) laissé à auto-promote pour réussir.",
  ),
  num("options", "max-io-depth", 8000, 4, 4294967295, "requêtes", "Nombre maximal de requêtes en cours par volume."),
  {
    section: "options",
    name: "quorum",
    type: "enum-num",
    values: ["off", "majority", "all"],
    default: "off",
    min: 1,
    max: 32,
    fr: "Quorum (3 nœuds et plus) : off, majority, all ou un nombre de nœuds.",
  },
  en(
    "options",
    "on-no-quorum",
    ["io-error", "suspend-io"],
    "suspend-io",
    "Conduite en perte de quorum : suspend-io (par défaut) ou io-error.",
  ),
  {
    section: "options",
    name: "quorum-minimum-redundancy",
    type: "enum-num",
    values: ["off", "majority", "all"],
    default: "off",
    min: 1,
    max: 32,
    fr: "Nombre minimal de copies UpToDate pour avoir le quorum.",
  },
  en(
    "options",
    "on-suspended-primary-outdated",
    ["disconnect", "force-secondary"],
    "disconnect",
    "Conduite d'un Primary suspendu devenu Outdated.",
  ),
  bool("options", "drbd8-api-compatibility", false, "Compatibilité avec l'API de DRBD 8."),
];

const STARTUP: OptionDef[] = [
  num(
    "startup",
    "wfc-timeout",
    0,
    0,
    300000,
    "s",
    "Attente (secondes) du pair au démarrage ; 0 = attendre indéfiniment.",
  ),
  num(
    "startup",
    "degr-wfc-timeout",
    0,
    0,
    300000,
    "s",
    "Attente (secondes) au démarrage si le nœud faisait partie d'un cluster dégradé.",
  ),
  num(
    "startup",
    "outdated-wfc-timeout",
    0,
    0,
    300000,
    "s",
    "Attente (secondes) au démarrage si le pair était Outdated.",
  ),
  { section: "startup", name: "wait-after-sb", type: "bool", fr: "Attend le pair même après un split-brain détecté." },
  {
    section: "startup",
    name: "become-primary-on",
    type: "string",
    delegate: true,
    fr: "Obsolète (scripts d'init 8.4) : ignoré par drbdadm 9.",
  },
  {
    section: "startup",
    name: "stacked-timeouts",
    type: "bool",
    delegate: true,
    fr: "Applique les délais startup aux ressources empilées.",
  },
];

const HANDLER_NAMES: Array<[string, string]> = [
  ["pri-on-incon-degr", "Exécuté quand un nœud Primary dégradé n'a plus de données cohérentes."],
  ["pri-lost-after-sb", "Exécuté quand un Primary perd son rôle après un split-brain."],
  ["pri-lost", "Exécuté quand un Primary doit devenir SyncTarget."],
  ["initial-split-brain", "Exécuté dès la détection d'un split-brain."],
  ["split-brain", "Exécuté quand un split-brain n'a pas pu être résolu automatiquement."],
  ["outdate-peer", "Ancien nom (8.3) de fence-peer."],
  ["fence-peer", "Exécuté pour isoler (fencing) le pair ; son code de sortie décide de la suite."],
  ["unfence-peer", "Exécuté pour lever l'isolement du pair."],
  ["local-io-error", "Exécuté sur erreur d'E/S locale (avec on-io-error call-local-io-error)."],
  ["before-resync-target", "Exécuté avant de devenir cible d'une resynchronisation."],
  ["after-resync-target", "Exécuté après une resynchronisation en tant que cible."],
  ["before-resync-source", "Exécuté avant de devenir source d'une resynchronisation."],
  ["out-of-sync", "Exécuté quand « verify » trouve des blocs désynchronisés."],
  ["quorum-lost", "Exécuté en perte de quorum."],
  ["disconnected", "Exécuté quand une connexion est perdue."],
];
const HANDLERS: OptionDef[] = HANDLER_NAMES.map(([name, fr]) =>
  str("handlers", name, `Gestionnaire (commande shell) : ${fr}`),
);

const GLOBAL: OptionDef[] = [
  {
    section: "global",
    name: "usage-count",
    type: "enum",
    values: ["yes", "no", "ask"],
    default: "ask",
    fr: "Participation au comptage d'utilisation de LINBIT (mettre no dans un lab).",
  },
  num("global", "minor-count", 32, 1, 255, "périphériques", "Nombre de périphériques DRBD pré-alloués."),
  num("global", "dialog-refresh", 1, 0, 600, "s", "Intervalle de rafraîchissement du dialogue d'attente au démarrage."),
  bool("global", "disable-ip-verification", false, "Ne vérifie pas que l'adresse locale existe sur le nœud."),
  bool("global", "udev-always-use-vnr", false, "Les liens udev incluent toujours le numéro de volume."),
  num("global", "cmd-timeout-short", 5, 0, 900, "s", "Délai des commandes courtes de drbdadm."),
  num("global", "cmd-timeout-medium", 121, 0, 900, "s", "Délai des commandes moyennes de drbdadm."),
  num("global", "cmd-timeout-long", 600, 0, 900, "s", "Délai des commandes longues de drbdadm."),
];

export const OPTION_TABLE: readonly OptionDef[] = [
  ...NET,
  ...DISK,
  ...PEER_DEVICE,
  ...DEVICE,
  ...OPTIONS,
  ...STARTUP,
  ...HANDLERS,
  ...GLOBAL,
];

export function optionsOf(section: OptionSection): OptionDef[] {
  return OPTION_TABLE.filter((o) => o.section === section);
}

/** drbdadm's `find_field`: a `no-` prefix is stripped before the lookup. */
export function findOption(section: OptionSection, name: string): { def: OptionDef; noPrefix: boolean } | null {
  const noPrefix = name.startsWith("no-");
  const bare = noPrefix ? name.slice(3) : name;
  const def = OPTION_TABLE.find((o) => o.section === section && o.name === bare && !o.delegate);
  return def ? { def, noPrefix } : null;
}

export type OptionValue = boolean | string | number;

export type CheckResult =
  | { ok: true; value: OptionValue }
  | { ok: false; reason: "not valid" | "not 'yes' or 'no'" | "not a number" | "too small" | "too big" | "too long" };

/** The value checks of config_flags.c (`enum_check`, `numeric_check`, `boolean_check`, ...). */
export function checkValue(def: OptionDef, text: string): CheckResult {
  switch (def.type) {
    case "bool":
      if (text === "yes") return { ok: true, value: true };
      if (text === "no") return { ok: true, value: false };
      return { ok: false, reason: "not 'yes' or 'no'" };
    case "enum": {
      const values = def.values ?? [];
      const hit = def.nocase
        ? values.find((v) => v.toLowerCase() === text.toLowerCase())
        : values.find((v) => v === text);
      return hit === undefined ? { ok: false, reason: "not valid" } : { ok: true, value: hit };
    }
    case "enum-num": {
      if ((def.values ?? []).includes(text)) return { ok: true, value: text };
      const n = strtoll(text, "1");
      if (n === null) return { ok: false, reason: "not valid" };
      if (n < (def.min ?? 0)) return { ok: false, reason: "too small" };
      if (n > (def.max ?? Number.MAX_SAFE_INTEGER)) return { ok: false, reason: "too big" };
      return { ok: true, value: n };
    }
    case "numeric": {
      let n = strtoll(text, def.scale ?? "1");
      if (n === null) return { ok: false, reason: "not a number" };
      const min = def.min ?? 0;
      const max = def.max ?? Number.MAX_SAFE_INTEGER;
      if (n < min) {
        if (!def.implicitClamp) return { ok: false, reason: "too small" };
        n = min;
      }
      if (n > max) {
        if (!def.implicitClamp) return { ok: false, reason: "too big" };
        n = max;
      }
      return { ok: true, value: n };
    }
    case "string":
      if (def.maxLen && text.length >= def.maxLen) return { ok: false, reason: "too long" };
      return { ok: true, value: text };
  }
}

function strtoll(text: string, scale: Scale): number | null {
  const r = strtollUnit(text, scale);
  return r.ok ? Number(r.value) : null;
}
