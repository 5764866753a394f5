import type { Token } from "./lexer";
import type { ConfigOption, SectionOptions } from "./model";
import { checkValue, findOption, type OptionDef, type OptionSection, optionsOf } from "./options";
import type { Cursor } from "./parser-core";
import { ch, EOF, TK } from "./tokens";

/** Handles a name the section's own table does not know; must consume the statement or abort. */
type Delegate = (c: Cursor, name: Token, obey: boolean) => void;

function record(c: Cursor, def: OptionDef, nameTok: Token, raw: string, value: ConfigOption["value"]): ConfigOption {
  return { name: def.name, raw, value, file: c.file, line: nameTok.line };
}

/** parse_option_value(): `name;` is a bare boolean, otherwise one value token then `;`. */
export function parseOptionValue(c: Cursor, def: OptionDef, noPrefix: boolean, nameTok: Token): ConfigOption {
  const t = c.next();
  if (t.tk === ch(";")) {
    const raw = noPrefix ? "no" : "yes";
    if (def.type !== "bool") {
      // drbdadm accepts `max-buffers;` as the string "yes" and only drbdsetup fails later.
      c.report(
        {
          line: nameTok.line,
          severity: "warning",
          code: "bare-non-boolean",
          message: `${def.name} has no value (only boolean options may be written alone)`,
          messageFr: `L'option ${def.name} (ligne ${nameTok.line}) n'est pas booléenne : il lui faut une valeur.`,
        },
        nameTok,
      );
    }
    return record(c, def, nameTok, raw, def.type === "bool" ? raw === "yes" : raw);
  }
  let value: ConfigOption["value"] = t.text;
  if (!def.postparse) {
    const r = checkValue(def, t.text);
    if (r.ok) value = r.value;
    else c.fieldError(def, r.reason, t);
  }
  c.semi();
  return record(c, def, nameTok, t.text, value);
}

/** pe_options(): "'a | b | c' expected" with every name of the section. */
function expectedOptionOf(c: Cursor, section: OptionSection, t: Token): never {
  const names = optionsOf(section)
    .filter((o) => !o.delegate)
    .map((o) => o.name);
  return c.expected(names.join(" | "), t);
}

/** __parse_options(): `name [value];` statements up to the closing brace. */
export function parseOptions(c: Cursor, section: OptionSection, target: ConfigOption[], delegate?: Delegate): void {
  for (;;) {
    c.startStatement();
    let t = c.next();
    if (t.tk === ch("}")) return;
    let obey = true;
    if (t.tk === TK._UNKNOWN) {
      obey = false;
      t = c.next();
    }
    c.fline = t.line;
    const found = findOption(section, t.text);
    if (!found) {
      if (delegate) {
        delegate(c, t, obey);
        continue;
      }
      if (obey) expectedOptionOf(c, section, t);
      c.report(
        {
          line: t.line,
          severity: "warning",
          code: "ignored",
          message: `Warning: Ignoring ${t.text.slice(0, 40)}${t.text.length > 40 ? "..." : ""}`,
          messageFr: `Option « ${t.text} » ignorée.`,
        },
        t,
      );
      skipTo(c, ";");
      continue;
    }
    if (obey) target.push(parseOptionValue(c, found.def, found.noPrefix, t));
    else c.semi();
  }
}

function skipTo(c: Cursor, what: string): void {
  for (;;) {
    const t = c.next();
    if (t.tk === ch(what) || t.tk === EOF) return;
  }
}

export const netDelegate: Delegate = (c, t) => c.expected("an option keyword", t);

/** disk { } also takes peer-device options, device options and (at resource level) fencing. */
export function parseDiskOptions(
  c: Cursor,
  sections: Pick<SectionOptions, "disk" | "deviceOptions" | "peerDevice">,
  net: ConfigOption[] | null,
): void {
  parseOptions(c, "disk", sections.disk, (cc, t, obey) => {
    let found = findOption("peer-device", t.text);
    let target = sections.peerDevice;
    if (!found) {
      found = findOption("device", t.text);
      target = sections.deviceOptions;
    }
    if (!found && t.text === "fencing" && net) {
      found = findOption("net", "fencing");
      target = net;
    }
    if (!found) return expectedOptionOf(cc, "peer-device", t);
    if (obey) target.push(parseOptionValue(cc, found.def, found.noPrefix, t));
    else cc.semi();
  });
}

/** startup { }: become-primary-on is dropped, stacked-timeouts is a flag. */
export function parseStartup(c: Cursor, s: SectionOptions): void {
  parseOptions(c, "startup", s.startup, (cc, t, obey) => {
    if (t.text === "become-primary-on") {
      if (!obey) return void cc.semi();
      for (;;) {
        const x = cc.next();
        if (x.tk === ch(";") || x.tk === EOF) return;
      }
    }
    if (t.text === "stacked-timeouts") {
      s.stackedTimeouts = true;
      cc.semi();
      return;
    }
    cc.expected("<an option keyword> | become-primary-on | stacked-timeouts", t);
  });
}

const SYNCER_ALIASES: Record<string, string> = {
  "outdate-peer": "fence-peer",
  rate: "resync-rate",
  after: "resync-after",
};

/** The 8.3 `syncer { }` section is dissolved into net, disk, options and peer-device options. */
export function parseSyncer(c: Cursor, s: SectionOptions): void {
  for (;;) {
    c.startStatement();
    const t = c.next();
    c.fline = t.line;
    if (t.tk === ch("}")) return;
    const name = SYNCER_ALIASES[t.text] ?? t.text;
    const order: Array<[OptionSection, ConfigOption[]]> = [
      ["net", s.net],
      ["disk", s.disk],
      ["options", s.options],
      ["peer-device", s.peerDevice],
    ];
    let done = false;
    for (const [section, target] of order) {
      const found = findOption(section, name);
      if (found) {
        target.push(parseOptionValue(c, found.def, found.noPrefix, t));
        done = true;
        break;
      }
    }
    if (!done) c.expected("a syncer option keyword", t);
  }
}
