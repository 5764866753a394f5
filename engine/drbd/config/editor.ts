import { tokenize } from "./lexer";
import { OPTION_TABLE, type OptionDef, type OptionSection } from "./options";
import { ch } from "./tokens";

/** Helpers for the browser config editor (Monaco): where the cursor is, and what fits there. */

export interface CompletionItem {
  label: string;
  kind: "section" | "option" | "value";
  detail: string;
  documentationFr: string;
}

/**
 * The enclosing sections at `offset`, outermost first, e.g. ["resource r0", "net"].
 * Each label is the statement that opened the brace ("on node1", "volume 0").
 */
export function sectionAt(text: string, offset: number): string[] {
  const toks = tokenize(text.slice(0, Math.max(0, offset)));
  const stack: string[] = [];
  let words: string[] = [];
  for (const t of toks) {
    if (t.tk === ch("{")) {
      stack.push(words.join(" "));
      words = [];
    } else if (t.tk === ch("}")) {
      stack.pop();
      words = [];
    } else if (t.tk === ch(";")) words = [];
    else if (t.tk !== 0) words.push(t.text);
  }
  return stack;
}

function detailOf(o: OptionDef): string {
  const def =
    o.default === undefined ? "" : `défaut ${o.default === true ? "yes" : o.default === false ? "no" : o.default}`;
  switch (o.type) {
    case "bool":
      return `booléen (yes | no)${def ? `, ${def}` : ""}`;
    case "enum":
      return `${(o.values ?? []).join(" | ")}${def ? ` (${def})` : ""}`;
    case "enum-num":
      return `${(o.values ?? []).join(" | ")} | ${o.min}…${o.max}${def ? ` (${def})` : ""}`;
    case "numeric":
      return `nombre ${o.min}…${o.max}${o.unit ? ` en ${o.unit}` : ""}${def ? `, ${def}` : ""}`;
    case "string":
      return "chaîne";
  }
}

const option = (o: OptionDef): CompletionItem => ({
  label: o.name,
  kind: "option",
  detail: detailOf(o),
  documentationFr: o.fr,
});
const section = (label: string, documentationFr: string): CompletionItem => ({
  label,
  kind: "section",
  detail: "section",
  documentationFr,
});
const keyword = (label: string, detail: string, documentationFr: string): CompletionItem => ({
  label,
  kind: "option",
  detail,
  documentationFr,
});

const of = (...sections: OptionSection[]) => OPTION_TABLE.filter((o) => sections.includes(o.section)).map(option);

const SECTION_DOC: Record<string, string> = {
  net: "Options réseau : protocole, délais, tampons, politiques after-sb.",
  disk: "Options du disque : erreurs d'E/S, flushes, activity log, débit de resynchronisation.",
  startup: "Délais d'attente du pair au démarrage.",
  options: "Options de la ressource : quorum, auto-promote, on-no-data-accessible.",
  handlers: "Scripts exécutés sur événement (split-brain, fence-peer, erreur d'E/S…).",
};

const RESOURCE_ITEMS: CompletionItem[] = [
  section(
    "on",
    "Section d'un nœud : « on node1 { device; disk; address; meta-disk; } » (le nom est celui de uname -n).",
  ),
  ...["net", "disk", "startup", "options", "handlers"].map((s) => section(s, SECTION_DOC[s] ?? "")),
  section("volume", "Volume numéroté : « volume 0 { device; disk; meta-disk; } »."),
  section("connection", "Connexion explicite entre deux hôtes (DRBD 9)."),
  section("connection-mesh", "Maillage complet entre les hôtes listés (DRBD 9, 3 nœuds et plus)."),
  section("floating", "Section d'hôte choisie par adresse IP locale au lieu du nom."),
  keyword("protocol", "A | B | C", "Raccourci de « net { protocol … } »."),
  keyword("device", "/dev/drbdN", "Périphérique DRBD par défaut pour tous les hôtes."),
  keyword("meta-disk", "internal | /dev/…", "Emplacement des métadonnées par défaut."),
];

const HOST_ITEMS: CompletionItem[] = [
  keyword("address", "[ipv4|ipv6] IP:port", "Adresse et port de réplication de ce nœud (ex. 172.28.0.11:7788)."),
  keyword("node-id", "0…31", "Identifiant du nœud (obligatoire avec plus de deux hôtes)."),
  keyword("device", "/dev/drbdN [minor N]", "Périphérique DRBD créé sur ce nœud."),
  keyword("disk", "/dev/… | none", "Disque sous-jacent (none = client sans disque)."),
  keyword("meta-disk", "internal | /dev/…[N]", "Emplacement des métadonnées DRBD."),
  section("volume", "Volume numéroté propre à ce nœud."),
  section("options", SECTION_DOC.options ?? ""),
];

function valuesOf(o: OptionDef): CompletionItem[] {
  const values = o.type === "bool" ? ["yes", "no"] : (o.values ?? []);
  return values.map((v) => ({
    label: v,
    kind: "value",
    detail: o.name,
    documentationFr: `Valeur de ${o.name}${v === o.default ? " (défaut)" : ""}.`,
  }));
}

/** Completion for a section path as returned by `sectionAt`; a last element naming an option gives its values. */
export function completionItems(sectionPath: string[]): CompletionItem[] {
  const labels = sectionPath.map((s) => s.split(" ")[0] ?? "");
  const last = labels[labels.length - 1];
  const parent = labels[labels.length - 2];
  const sectionOf: Record<string, OptionSection[]> = {
    net: ["net"],
    disk:
      parent === "connection" || (parent === "volume" && labels.includes("connection"))
        ? ["peer-device"]
        : ["disk", "peer-device", "device"],
    startup: ["startup"],
    options: ["options"],
    handlers: ["handlers"],
    global: ["global"],
    syncer: ["net", "disk", "peer-device"],
  };
  if (last && parent && sectionOf[parent] && !sectionOf[last]) {
    const o = OPTION_TABLE.find((x) => (sectionOf[parent] ?? []).includes(x.section) && x.name === last);
    if (o) return valuesOf(o);
  }
  if (last === undefined)
    return [
      section("global", "Options globales (une seule section)."),
      section("common", "Réglages hérités par toutes les ressources."),
      section("resource", "Une ressource DRBD : « resource r0 { … } »."),
      keyword("include", '"chemin/*.res"', "Inclut d'autres fichiers de configuration."),
      keyword("skip", "{ … }", "Ignore la section qui suit."),
    ];
  if (last === "common")
    return ["net", "disk", "startup", "options", "handlers"].map((s) => section(s, SECTION_DOC[s] ?? ""));
  if (last === "resource") return RESOURCE_ITEMS;
  if (last === "on" || last === "floating") return HOST_ITEMS;
  if (last === "volume")
    return parent === "connection"
      ? [section("disk", "Options peer-device de ce volume.")]
      : HOST_ITEMS.filter((i) => ["device", "disk", "meta-disk"].includes(i.label));
  if (last === "connection")
    return [
      keyword("host", "NOM [address IP:port | port N]", "Une extrémité de la connexion."),
      section("path", "Un chemin réseau (multipath)."),
      section("net", SECTION_DOC.net ?? ""),
      section("disk", "Options peer-device de la connexion."),
      section("volume", "Options peer-device d'un volume."),
    ];
  if (last === "path") return [keyword("host", "NOM address IP:port", "Une extrémité du chemin.")];
  if (last === "connection-mesh")
    return [keyword("hosts", "nœud1 nœud2 nœud3", "Hôtes reliés deux à deux."), section("net", SECTION_DOC.net ?? "")];
  const sections = sectionOf[last];
  if (!sections) return [];
  const items = of(...sections);
  // bitmap is both a disk and a peer-device option: offer it once
  const seen = new Set<string>();
  return items.filter((i) => {
    if (seen.has(i.label)) return false;
    seen.add(i.label);
    return true;
  });
}

/**
 * The words the editor colours, from the lists completion offers: section names (`resource`,
 * `net`, `on`…), option and host keywords (`protocol`, `address`, `after-sb-0pri`…), and the
 * options' enumerated values (`internal`, `disconnect`, `call-local-io-error`…).
 */
export function configVocabulary(): { sections: string[]; options: string[]; values: string[] } {
  const items = [
    ...completionItems([]),
    ...RESOURCE_ITEMS,
    ...HOST_ITEMS,
    ...["net", "disk", "startup", "options", "handlers", "global", "syncer"].flatMap((s) => completionItems(["", s])),
  ];
  const sections = new Set(items.filter((i) => i.kind === "section").map((i) => i.label));
  for (const extra of ["stacked-on-top-of", "path", "host", "skip", "minor", "via", "proxy", "inside", "outside"])
    sections.add(extra);
  const options = new Set(items.filter((i) => i.kind === "option").map((i) => i.label));
  for (const s of sections) options.delete(s);
  const values = new Set(OPTION_TABLE.flatMap((o) => (o.type === "bool" ? ["yes", "no"] : (o.values ?? []))));
  for (const v of ["internal", "none", "ipv4", "ipv6"]) values.add(v);
  const sorted = (s: Set<string>) => [...s].sort();
  return { sections: sorted(sections), options: sorted(options), values: sorted(values) };
}
