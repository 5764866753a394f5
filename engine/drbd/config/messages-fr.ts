import type { Token } from "./lexer";
import type { SourceRef } from "./model";
import { type OptionDef, optionsOf } from "./options";
import { EOF, TK } from "./tokens";

/** French explanations for learners; the drbdadm text itself stays in English. */

const show = (t: Token): string => (t.tk === EOF ? "la fin du fichier" : `« ${t.text} »`);

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] as number;
}

/** "Vouliez-vous dire « max-buffers » ?" when a known word is close. */
export function suggest(word: string, candidates: readonly string[]): string {
  if (word.length < 4) return "";
  let best = "";
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best && bestD <= Math.max(2, Math.floor(word.length / 4)) ? ` Vouliez-vous dire « ${best} » ?` : "";
}

const stmtText = (toks: Token[]): string => toks.map((t) => (t.quoted ? `"${t.text}"` : t.text)).join(" ");

export function frParseError(exp: string, got: Token, before: Token[], prev?: Token): string {
  const where = got.tk === EOF ? "en fin de fichier" : `ligne ${got.line}`;
  if (prev?.tk === TK.ERR_DQSTRING)
    return `Chaîne entre guillemets non terminée ligne ${prev.line} : le guillemet fermant « " » manque avant la fin de la ligne.`;
  if (exp === ";") {
    const stmt = before.length > 0 ? stmtText(before) : (prev?.text ?? "");
    const line = prev?.line ?? got.line;
    return `Point-virgule manquant après « ${stmt} » (ligne ${line}).`;
  }
  if (exp === ":")
    return `Adresse incomplète ${where} : il faut le port après l'IP, sous la forme IP:port (ex. 172.28.0.11:7788).`;
  if (exp === "{") return `Accolade ouvrante « { » attendue ${where}, trouvé ${show(got)}.`;
  if (exp === "an option keyword") {
    const names = optionsOf("net").map((o) => o.name);
    return `Option inconnue ${show(got)} dans la section net (${where}).${suggest(got.text, names)}`;
  }
  if (exp.startsWith("protocol | on | disk"))
    return `Mot-clé ${show(got)} inattendu dans la ressource (${where}). Attendu : protocol, on, disk, net, startup, handlers, options, volume, connection, connection-mesh…${suggest(got.text, ["protocol", "on", "disk", "net", "startup", "handlers", "options", "volume", "connection", "connection-mesh", "device", "meta-disk", "syncer", "floating"])}`;
  if (exp.startsWith("disk | device | address"))
    return `Mot-clé ${show(got)} inattendu dans une section « on » (${where}). Attendu : device, disk, address, meta-disk, node-id, volume.${suggest(got.text, ["disk", "device", "address", "meta-disk", "node-id", "volume"])}`;
  if (exp.startsWith("global | common | resource"))
    return `Au niveau principal du fichier, seuls global, common, resource, include et skip sont permis (${where}, trouvé ${show(got)}).`;
  if (exp.startsWith("dialog-refresh | minor-count"))
    return `Option inconnue ${show(got)} dans la section global (${where}).${suggest(
      got.text,
      optionsOf("global").map((o) => o.name),
    )}`;
  if (exp.startsWith("resync-rate | c-plan-ahead")) {
    const names = [...optionsOf("disk"), ...optionsOf("peer-device"), ...optionsOf("device")].map((o) => o.name);
    return `Option inconnue ${show(got)} dans la section disk (${where}).${suggest(got.text, names)}`;
  }
  if (exp.includes(" | ") && !exp.includes("TK_")) {
    const names = exp.split(" | ").map((s) => s.trim());
    return `Option ou mot-clé ${show(got)} inconnu ici (${where}). Attendu : ${names.join(", ")}.${suggest(got.text, names)}`;
  }
  if (exp.startsWith("TK_STRING"))
    return `Un nom était attendu ${where}, trouvé ${show(got)} (un mot-clé comme nom doit être entre guillemets).`;
  if (exp === "TK_INTEGER") return `Un nombre était attendu ${where}, trouvé ${show(got)}.`;
  return `Erreur de syntaxe ${where} : « ${exp} » attendu, trouvé ${show(got)}.`;
}

export function frStringError(tk: number): string {
  if (tk === TK.ERR_DQSTRING)
    return "Chaîne entre guillemets non terminée : le guillemet fermant manque sur cette ligne.";
  if (tk === TK.ERR_DQSTRING_TOO_LONG) return "Chaîne entre guillemets trop longue (255 caractères au plus).";
  return "Mot trop long (128 caractères au plus).";
}

export function frValueError(def: OptionDef, reason: string, value: string, line: number): string {
  const head = `Valeur « ${value} » invalide pour ${def.name} (ligne ${line})`;
  switch (reason) {
    case "not valid":
      return def.type === "enum"
        ? `${head} : valeurs permises ${(def.values ?? []).join(", ")}.${suggest(value, def.values ?? [])}`
        : `${head} : valeurs permises ${(def.values ?? []).join(", ")} ou un nombre de ${def.min} à ${def.max}.`;
    case "not 'yes' or 'no'":
      return `${head} : une option booléenne vaut yes ou no (ou s'écrit seule).`;
    case "not a number":
      return `${head} : ce n'est pas un nombre ; seuls les suffixes K, M, G (puissances de 1024) et s (secteurs) sont permis.`;
    case "too small":
      return `${head} : trop petite, minimum ${def.min}${def.unit ? ` (${def.unit})` : ""}.`;
    case "too big":
      return `${head} : trop grande, maximum ${def.max}${def.unit ? ` (${def.unit})` : ""}.`;
    case "too long":
      return `${head} : trop longue (${(def.maxLen ?? 1) - 1} caractères au plus).`;
    default:
      return `${head}.`;
  }
}

export function frConflict(what: string, key: string, first: SourceRef): string {
  const at = `${first.file}, ligne ${first.line}`;
  const [, host, value] = /^[a-z-]+:([^:]+):(.*)$/.exec(key) ?? [];
  switch (what) {
    case "resource section":
      return `La ressource « ${key} » est définie deux fois (première définition : ${at}) ; renommez ou supprimez l'une des deux.`;
    case "global section":
      return `La section global apparaît deux fois (première : ${at}) ; il n'en faut qu'une, en tête de configuration.`;
    case "device-minor":
      return `Le périphérique DRBD numéro ${value} de l'hôte ${host} est déjà utilisé (${at}) : chaque ressource a besoin de son propre /dev/drbdN.`;
    case "device":
      return `Le périphérique ${value} de l'hôte ${host} est déjà utilisé (${at}).`;
    case "disk":
      return `Le disque ${value} de l'hôte ${host} sert déjà à une autre ressource (${at}).`;
    case "node-id":
      return `Ce node-id est déjà attribué à un autre hôte de la ressource (${at}) : chaque nœud a un node-id unique.`;
    default:
      return `« ${what} » apparaît deux fois dans la même ressource (première fois : ${at}).`;
  }
}
