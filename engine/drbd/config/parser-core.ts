import { type Token, tokenize } from "./lexer";
import { frConflict, frParseError, frStringError, frValueError } from "./messages-fr";
import type { Diagnostic, DrbdConfig, SourceRef } from "./model";
import type { OptionDef } from "./options";
import { ch, EOF, TK } from "./tokens";

/** Thrown to stop parsing a file after its first parse error (drbdadm exits there). */
export class ParseAbort extends Error {}

/** State shared by all files of one parse (drbdadm's globals: config, btrees, config_valid). */
export interface ParseContext {
  files: Record<string, string>;
  config: DrbdConfig;
  diags: Diagnostic[];
  /** check_uniq(): resource names, global section, device minors per host, ... */
  globalTree: Map<string, SourceRef>;
  /** check_upr(): statements unique within one resource. */
  resourceTree: Map<string, SourceRef>;
  seen: Set<string>;
  valid: boolean;
  hostname?: string;
  depth: number;
}

const trunc20 = (s: string): string => (s.length > 20 ? `${s.slice(0, 20)}...` : s);

/** A token cursor over one file with drbdadm's error reporters. */
export class Cursor {
  readonly toks: Token[];
  i = 0;
  /** Index of the first token of the statement being parsed (for French hints). */
  stmtStart = 0;
  /** drbdadm's `fline`: line of the keyword that started the current statement. */
  fline = 1;
  constructor(
    readonly ctx: ParseContext,
    readonly file: string,
    readonly text: string,
  ) {
    this.toks = tokenize(text);
  }

  next(): Token {
    const t = this.toks[Math.min(this.i, this.toks.length - 1)] as Token;
    if (this.i < this.toks.length) this.i++;
    return t;
  }

  /** The last token read (yytext / line of drbdadm). */
  get cur(): Token {
    return this.toks[Math.max(0, Math.min(this.i - 1, this.toks.length - 1))] as Token;
  }

  get line(): number {
    return this.cur.line;
  }

  startStatement(): void {
    this.stmtStart = this.i;
  }

  expect(tk: number, name: string): Token {
    const t = this.next();
    if (t.tk !== tk) {
      if (tk === TK.STRING) this.checkStringError(t);
      this.expectedGot(name, t);
    }
    return t;
  }

  semi(): Token {
    return this.expect(ch(";"), "';'");
  }

  private columns(t: Token): { column: number; endColumn: number } {
    const lineStart = this.text.lastIndexOf("\n", t.offset - 1) + 1;
    const column = t.offset - lineStart + 1;
    return { column, endColumn: column + Math.max(1, t.length) };
  }

  report(d: Omit<Diagnostic, "file"> & { file?: string }, at?: Token): void {
    const cols = at ? this.columns(at) : {};
    this.ctx.diags.push({ file: this.file, ...cols, ...d });
  }

  private abort(exp: string, t: Token, withTk: boolean): never {
    const got = trunc20(t.text);
    const message = `Parse error: '${exp}' expected,\n\tbut got '${got}'${withTk ? ` (TK ${t.tk})` : ""}`;
    const before = this.toks.slice(this.stmtStart, this.i - 1);
    const prev = this.toks[this.i - 2];
    this.report(
      {
        line: t.line,
        severity: "error",
        code: "parse-error",
        message,
        messageFr: frParseError(exp, t, before, prev),
        fatal: true,
      },
      t,
    );
    this.ctx.valid = false;
    throw new ParseAbort(message);
  }

  /** pe_expected(): no token number. */
  expected(exp: string, t: Token = this.cur): never {
    return this.abort(exp, t, false);
  }

  /** pe_expected_got(): `'x'` is printed as `x` (EXP(';') gives "';' expected"). */
  expectedGot(exp: string, t: Token = this.cur): never {
    const shown = /^'.'$/.test(exp) ? (exp[1] as string) : exp;
    return this.abort(shown, t, true);
  }

  /** check_string_error(): over-long or unterminated strings. */
  checkStringError(t: Token): void {
    let msg: string;
    if (t.tk === TK.ERR_STRING_TOO_LONG) msg = "Token too long";
    else if (t.tk === TK.ERR_DQSTRING_TOO_LONG) msg = "Double quoted string too long";
    else if (t.tk === TK.ERR_DQSTRING) msg = "Unterminated double quoted string\n  we don't allow embedded newlines\n ";
    else return;
    this.report(
      {
        line: t.line,
        severity: "error",
        code: "string-error",
        message: `${msg} >>>${t.text.slice(0, 20)}...<<<`,
        messageFr: frStringError(t.tk),
        fatal: true,
      },
      t,
    );
    this.ctx.valid = false;
    throw new ParseAbort(msg);
  }

  /** pe_field(): a bad option value; drbdadm goes on parsing. */
  fieldError(def: OptionDef, reason: string, t: Token): void {
    let message = `Parse error: while parsing value ('${trunc20(t.text)}')\nfor ${def.name}. Value is ${reason}.`;
    if (reason === "not valid" && def.type === "enum")
      message += `\nAllowed values are: ${(def.values ?? []).join(" | ")}`;
    else if (reason === "too long") message += `\nmax len: ${(def.maxLen ?? 1) - 1}`;
    this.report(
      {
        line: t.line,
        severity: "error",
        code: `value-${reason.replace(/[^a-z]+/g, "-").replace(/-+$/, "")}`,
        message,
        messageFr: frValueError(def, reason, t.text, t.line),
      },
      t,
    );
    this.ctx.valid = false;
  }

  /** check_uniq()/check_upr(): `conflicting use of <what> '<key>' ...`. */
  uniq(tree: Map<string, SourceRef>, what: string, key: string, line = this.fline, file = this.file): boolean {
    const first = tree.get(key);
    if (!first) {
      tree.set(key, { file, line });
      return true;
    }
    this.ctx.diags.push({
      file,
      line,
      severity: "error",
      code: "conflict",
      message: `conflicting use of ${what} '${key}' ...\n${first.file}:${first.line}: ${what} '${key}' first used here.`,
      messageFr: frConflict(what, key, first),
      fatal: true,
    });
    this.ctx.valid = false;
    return false;
  }

  isEof(t: Token): boolean {
    return t.tk === EOF;
  }
}
