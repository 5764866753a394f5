import { OPTION_TABLE, type OptionDef, type OptionSection } from "./options";

/** The course annex: the option table rendered as French Markdown, one table per section. */

const TITLES: Record<OptionSection, string> = {
  global: "global",
  net: "net (par connexion)",
  disk: "disk",
  "peer-device": "disk — options par pair (peer-device)",
  device: "disk — options du périphérique",
  options: "options (ressource)",
  startup: "startup",
  handlers: "handlers",
};

const fmt = (v: OptionDef["default"]): string =>
  v === true ? "yes" : v === false ? "no" : v === undefined ? "—" : String(v);

function range(o: OptionDef): string {
  if (o.type === "enum") return (o.values ?? []).join(", ");
  if (o.type === "enum-num") return `${(o.values ?? []).join(", ")}, ${o.min}–${o.max}`;
  if (o.type === "numeric") return `${o.min}–${o.max}`;
  if (o.type === "bool") return "yes, no";
  return o.maxLen ? `chaîne (< ${o.maxLen} car.)` : "chaîne";
}

export function optionAnnexMarkdown(
  sections: readonly OptionSection[] = [
    "global",
    "net",
    "disk",
    "peer-device",
    "device",
    "options",
    "startup",
    "handlers",
  ],
): string {
  const parts: string[] = [];
  for (const s of sections) {
    const rows = OPTION_TABLE.filter((o) => o.section === s && !o.name.startsWith("_"));
    parts.push(`### ${TITLES[s]}\n\n| option | défaut | valeurs | unité | rôle |\n|---|---|---|---|---|`);
    for (const o of rows)
      parts.push(
        `| \`${o.name}\` | ${fmt(o.default)} | ${range(o).replace(/\|/g, "\\|")} | ${o.unit ?? ""} | ${o.fr.replace(/\|/g, "\\|")} |`,
      );
    parts.push("");
  }
  return parts.join("\n");
}
