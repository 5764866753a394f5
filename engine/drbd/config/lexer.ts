import { ch, EOF, KEYWORDS, TK } from "./tokens";

/**
 * A token as drbdadm's flex scanner (U9 drbdadm_scanner.fl) produces it.
 * `text` is flex's `yytext` (double-quoted strings already unescaped, as `unescapeQuoted()` does
 * in place), `line` is the scanner's line counter — which, like flex's, only advances on a
 * newline that is matched on its own (an unterminated string swallows its newline).
 */
export interface Token {
  tk: number;
  text: string;
  line: number;
  /** Offset of the token in the file, for editors. */
  offset: number;
  length: number;
  /** True for `"..."` strings: dump re-quotes by content, not by this flag. */
  quoted: boolean;
}

const SNUMB = "[0-9]{1,3}";
const IPV4 = `(?:${SNUMB}\\.){3}${SNUMB}`;
const HEX4 = "[0-9a-fA-F]{1,4}";
const WORD_CH = "[a-zA-Z0-9/._-]";
const IPV6 = `(?:(?:(?:${HEX4}:){0,5}${HEX4})?:(?:${HEX4})?:(?:${HEX4}(?::${HEX4}){0,5})?(?:%${WORD_CH}{1,128})?|::[fF]{4}:${IPV4})`;

// Rules in flex order; on equal length the earlier rule wins, like flex.
const RULES: Array<{ re: RegExp; tk: number | "kw" }> = [
  { re: new RegExp(`${WORD_CH}+`, "y"), tk: "kw" },
  { re: /[0-9]+\.[0-9]+\.[0-9]+/y, tk: TK.KMODVERS },
  { re: new RegExp(IPV4, "y"), tk: TK.IPADDR },
  { re: new RegExp(IPV6, "y"), tk: TK.IPADDR6 },
  { re: /[0-9]{1,8}[MKGs]?/y, tk: TK.INTEGER },
  { re: /"(?:[^"\\\n]|\\[^\n]){0,255}"/y, tk: TK.STRING },
  { re: new RegExp(`${WORD_CH}{1,128}`, "y"), tk: TK.STRING },
  { re: new RegExp(`${WORD_CH}{129}`, "y"), tk: TK.ERR_STRING_TOO_LONG },
  { re: /"(?:[^"\\\n]|\\[^\n]){255}[^\n]/y, tk: TK.ERR_DQSTRING_TOO_LONG },
  { re: /"(?:[^"\\\n]|\\[^\n]){0,255}[\\\n]/y, tk: TK.ERR_DQSTRING },
];

/** In-place unescapeQuoted of drbd-utils (USH `unescapeQuoted`): drop quotes, a backslash quotes the next char. */
export function unescapeQuoted(raw: string): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    let c = raw[i];
    if (c === '"') continue;
    if (c === "\\") {
      i++;
      c = raw[i];
    }
    if (c === undefined) break;
    out += c;
  }
  return out;
}

function matchAt(re: RegExp, text: string, pos: number): number {
  re.lastIndex = pos;
  const m = re.exec(text);
  return m ? m[0].length : 0;
}

/** Scans the whole file. Never fails: bad input becomes TK_ELSE / TK_ERR_* tokens, like flex. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let pos = 0;
  while (pos < text.length) {
    const c = text[pos] as string;
    if (c === "\n") {
      line++;
      pos++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      pos++;
      continue;
    }
    if (c === "#") {
      const nl = text.indexOf("\n", pos);
      pos = nl < 0 ? text.length : nl;
      continue;
    }
    if ("{};[]:".includes(c)) {
      tokens.push({ tk: ch(c), text: c, line, offset: pos, length: 1, quoted: false });
      pos++;
      continue;
    }
    let bestLen = 0;
    let bestTk = TK.ELSE;
    for (const rule of RULES) {
      const len = matchAt(rule.re, text, pos);
      if (len === 0) continue;
      let tk: number;
      if (rule.tk === "kw") {
        const kw = KEYWORDS[text.slice(pos, pos + len)];
        if (kw === undefined) continue; // a plain word is handled by the STRING rule
        tk = kw;
      } else tk = rule.tk;
      if (len > bestLen) {
        bestLen = len;
        bestTk = tk;
      }
    }
    if (bestLen === 0) {
      tokens.push({ tk: TK.ELSE, text: c, line, offset: pos, length: 1, quoted: false });
      pos++;
      continue;
    }
    const raw = text.slice(pos, pos + bestLen);
    const quoted = bestTk === TK.STRING && raw.startsWith('"');
    tokens.push({
      tk: bestTk,
      text: quoted ? unescapeQuoted(raw) : raw,
      line,
      offset: pos,
      length: bestLen,
      quoted,
    });
    pos += bestLen;
  }
  tokens.push({ tk: EOF, text: "", line, offset: text.length, length: 0, quoted: false });
  return tokens;
}
