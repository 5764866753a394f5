/**
 * Does bash need more lines before it can run what was typed? Interactive bash shows its
 * continuation prompt (PS2, `> `) while a quote is open, a line ends with a backslash, a
 * here-document has not met its delimiter, a line ends with `|`, `&&` or `||`, a `$(`, `(`
 * or `{` is not closed, or a compound command (`if … fi`, `for … done`, `case … esac`) is not
 * finished. The terminal keeps the lines until this says the command is complete, then sends
 * it as one command (its lines joined by "\n"), which is what bash reads and what the lab
 * logs: a replay sees complete commands only.
 *
 * just-bash's parser cannot tell: it runs a here-document without its body and takes `ls \`
 * or `ls |` as complete. This is a scanner, not a parser: a line it cannot make sense of
 * (a stray `fi`, an unmatched `)`) counts as complete, and bash then reports the error.
 */

const OPENERS: Record<string, string> = {
  if: "fi",
  case: "esac",
  for: "done",
  while: "done",
  until: "done",
  select: "done",
};
const CLOSERS = new Set(["fi", "esac", "done", "}"]);
/** Words after which the next word is again in command position. */
const LEADING = new Set(["then", "else", "elif", "do", "!", "{", "time", "if", "while", "until"]);

interface Heredoc {
  delimiter: string;
  stripTabs: boolean;
}

export function needsMoreInput(text: string): boolean {
  const stack: string[] = [];
  const pending: Heredoc[] = [];
  let i = 0;
  /** At the start of a command: the next word may be a reserved word. */
  let commandStart = true;
  /** The last token that was not blank: an operator that wants a right-hand side, or a word. */
  let lastOp = "";
  const n = text.length;

  const readWord = (): string => {
    let w = "";
    while (i < n) {
      const c = text[i] as string;
      if (/[\s;&|<>()]/.test(c)) break;
      if (c === "\\") {
        if (i + 1 >= n) return `${w}\\`;
        w += text[i + 1] === "\n" ? "" : (text[i + 1] as string);
        i += 2;
        continue;
      }
      if (c === "'") {
        const end = text.indexOf("'", i + 1);
        if (end < 0) throw new Incomplete();
        w += text.slice(i + 1, end);
        i = end + 1;
        continue;
      }
      if (c === '"') {
        w += readDouble();
        continue;
      }
      if (c === "$" && text[i + 1] === "(") {
        i += 2;
        scanUntilParen();
        w += "$()";
        continue;
      }
      if (c === "`") {
        const end = text.indexOf("`", i + 1);
        if (end < 0) throw new Incomplete();
        i = end + 1;
        continue;
      }
      w += c;
      i++;
    }
    return w;
  };

  /** From after an opening `"` to after the closing one. */
  const readDouble = (): string => {
    i++;
    let w = "";
    while (i < n) {
      const c = text[i] as string;
      if (c === "\\") {
        i += 2;
        continue;
      }
      if (c === '"') {
        i++;
        return w;
      }
      if (c === "$" && text[i + 1] === "(") {
        i += 2;
        scanUntilParen();
        continue;
      }
      w += c;
      i++;
    }
    throw new Incomplete();
  };

  /** Inside `$(`: to after its `)`, minding quotes and nested parentheses. */
  const scanUntilParen = (): void => {
    let depth = 1;
    while (i < n) {
      const c = text[i] as string;
      if (c === "\\") i += 2;
      else if (c === "'") {
        const end = text.indexOf("'", i + 1);
        if (end < 0) throw new Incomplete();
        i = end + 1;
      } else if (c === '"') readDouble();
      else if (c === "(") {
        depth++;
        i++;
      } else if (c === ")") {
        depth--;
        i++;
        if (depth === 0) return;
      } else i++;
    }
    throw new Incomplete();
  };

  /** After a newline: the bodies of the here-documents announced on the line just ended. */
  const readHeredocBodies = (): void => {
    while (pending.length > 0) {
      const h = pending[0] as Heredoc;
      if (i >= n) throw new Incomplete();
      const eol = text.indexOf("\n", i);
      const line = text.slice(i, eol < 0 ? n : eol);
      i = eol < 0 ? n : eol + 1;
      if ((h.stripTabs ? line.replace(/^\t+/, "") : line) === h.delimiter) pending.shift();
      else if (eol < 0) throw new Incomplete();
    }
  };

  try {
    while (i < n) {
      const c = text[i] as string;
      if (c === "\n") {
        i++;
        readHeredocBodies();
        if (lastOp !== "|" && lastOp !== "&&" && lastOp !== "||") commandStart = true;
        continue;
      }
      if (c === " " || c === "\t") {
        i++;
        continue;
      }
      if (c === "#" && (i === 0 || /[\s;&|()]/.test(text[i - 1] as string))) {
        while (i < n && text[i] !== "\n") i++;
        continue;
      }
      if (c === "\\" && text[i + 1] === "\n") {
        i += 2;
        continue;
      }
      if (c === "\\" && i + 1 >= n) return true;
      if (c === "<" && text[i + 1] === "<" && text[i + 2] !== "<") {
        i += 2;
        const stripTabs = text[i] === "-";
        if (stripTabs) i++;
        while (text[i] === " " || text[i] === "\t") i++;
        const delimiter = readWord();
        if (delimiter) pending.push({ delimiter, stripTabs });
        lastOp = "word";
        continue;
      }
      if (c === "&" || c === "|" || c === ";") {
        const two = text.slice(i, i + 2);
        const op = two === "&&" || two === "||" || two === ";;" ? two : c;
        i += op.length;
        if (op === "|" && text[i] === "&") i++;
        lastOp = op === ";" || op === "&" || op === ";;" ? "sep" : op;
        commandStart = true;
        continue;
      }
      if (c === "(") {
        i++;
        if (text[i] === "(") {
          // arithmetic (( … )): to its closing ))
          const end = text.indexOf("))", i + 1);
          if (end < 0) return true;
          i = end + 2;
          lastOp = "word";
          commandStart = false;
          continue;
        }
        if (stack.at(-1) !== "esac") stack.push(")");
        commandStart = true;
        lastOp = "(";
        continue;
      }
      if (c === ")") {
        i++;
        if (stack.at(-1) === ")") stack.pop();
        else if (stack.at(-1) !== "esac") return false; // bash: syntax error
        lastOp = "word";
        commandStart = true; // `f() {`, a case pattern's body, or what follows a subshell
        continue;
      }
      if (c === "<" || c === ">") {
        i++;
        while (text[i] === "<" || text[i] === ">" || text[i] === "&" || text[i] === "|") i++;
        lastOp = "redirect";
        continue;
      }
      const word = readWord();
      if (word.endsWith("\\") && i >= n) return true;
      if (word === "") {
        i++;
        continue;
      }
      if (commandStart && OPENERS[word]) stack.push(OPENERS[word] as string);
      else if (commandStart && word === "{") stack.push("}");
      else if (commandStart && CLOSERS.has(word)) {
        if (stack.at(-1) !== word) return false; // unmatched: let bash say so
        stack.pop();
      }
      commandStart = commandStart && LEADING.has(word);
      if (word === "in" && stack.at(-1) === "esac") commandStart = true; // case patterns follow
      lastOp = "word";
    }
  } catch (e) {
    if (e instanceof Incomplete) return true;
    throw e;
  }
  return pending.length > 0 || stack.length > 0 || lastOp === "|" || lastOp === "&&" || lastOp === "||";
}

class Incomplete extends Error {}
