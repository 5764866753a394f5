import { Bash } from "just-bash";

/**
 * Does bash need more lines before it can run what was typed? Interactive bash shows its
 * continuation prompt (PS2, `> `) while a quote is open, a line ends with a backslash, a
 * here-document has not met its delimiter, a line ends with `|`, `&&` or `||`, a `$(`, `(`
 * or `{` is not closed, or a compound command (`if … fi`, `for … done`, `case … esac`) is not
 * finished. The terminal keeps the lines until this says the command is complete, then sends
 * it as one command (its lines joined by "\n"), which is what bash reads and what the lab
 * logs: a replay sees complete commands only.
 *
 * The answer is just-bash's own parser's, the one that will run the command, through
 * `Bash.transform` (what `exec` parses, after the same clean-up; the browser build of just-bash
 * exports no bare `parse`):
 * - a parse error met at the end of the text (`Expected DONE, got EOF`, `unexpected EOF while
 *   looking for matching …`) means more lines can complete it; any other error is bash's to
 *   report, the command is sent as it is;
 * - a here-document that has not met its delimiter: `transform` cannot print it back;
 * - the parser accepts a trailing `\`, `|`, `&&` or `||` (as if the input ended there): for
 *   these, the text is parsed again with one more line (a lone word). If that line does not
 *   start a statement of its own — it became the backslash's continuation, the pipe's
 *   right-hand side — bash would have read it as part of this command: it is not complete.
 */
export function needsMoreInput(text: string): boolean {
  const statements = statementCount(text);
  if (statements === "incomplete") return true;
  if (statements === "error") return false;
  return statementCount(`${text}\n${PROBE}`) !== statements + 1;
}

/** A word no command line ends with: the line added to see whether bash would read on. */
const PROBE = "__drbd_lab_next_line__";

/** A shell with no files and no state of its own: only its parser is used. */
let parser: Bash | undefined;

function statementCount(text: string): number | "incomplete" | "error" {
  parser ??= new Bash();
  try {
    return parser.transform(text).ast.statements.length;
  } catch (e) {
    return atEndOfInput(e) ? "incomplete" : "error";
  }
}

/**
 * just-bash's parse errors carry the token they stopped at (EOF at the end); the lexer's say so
 * in words; `transform` refuses to print back a here-document that has not met its delimiter.
 */
function atEndOfInput(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const token = (e as { token?: { type?: string } }).token;
  if (token) return token.type === "EOF";
  return /unexpected EOF|unterminated here-document/.test(e.message);
}
