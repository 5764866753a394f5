/**
 * The shell's line editing, without a terminal: a buffer, a cursor and a history. `feed`
 * takes what xterm's onData gives (keys, escape sequences, pasted text) and says what to do.
 */
export type EditorAction =
  | { kind: "redraw" }
  | { kind: "submit"; line: string }
  | { kind: "interrupt" }
  | { kind: "clear" }
  | { kind: "none" };

const KEYS: Record<string, string> = {
  "\x1b[D": "left",
  "\x1b[C": "right",
  "\x1b[A": "up",
  "\x1b[B": "down",
  "\x1b[H": "home",
  "\x1b[1~": "home",
  "\x1bOH": "home",
  "\x1b[F": "end",
  "\x1b[4~": "end",
  "\x1bOF": "end",
  "\x1b[3~": "delete",
  "\x7f": "backspace",
  "\b": "backspace",
  "\x01": "home",
  "\x05": "end",
  "\x03": "interrupt",
  "\x0c": "clear",
};

export class LineEditor {
  buffer = "";
  cursor = 0;
  private history: string[] = [];
  /** Position in history while browsing with up/down; history.length = the line being typed. */
  private browse = 0;
  private draft = "";

  constructor(history: readonly string[] = []) {
    this.history = [...history];
    this.browse = this.history.length;
  }

  /** Feed one onData chunk; a paste with newlines yields one submit per line (in `lines`). */
  feed(data: string): { actions: EditorAction[] } {
    const key = KEYS[data];
    if (key) return { actions: [this.key(key)] };
    if (data.startsWith("\x1b")) return { actions: [{ kind: "none" }] }; // other escape sequences
    const actions: EditorAction[] = [];
    const parts = data.replace(/\r\n/g, "\r").split(/[\r\n]/);
    parts.forEach((part, i) => {
      const text = [...part].filter((c) => c >= " " && c !== "\x7f").join("");
      if (text) {
        this.buffer = this.buffer.slice(0, this.cursor) + text + this.buffer.slice(this.cursor);
        this.cursor += text.length;
      }
      if (i < parts.length - 1) actions.push(this.submit());
      else if (text) actions.push({ kind: "redraw" });
    });
    return { actions: actions.length ? actions : [{ kind: "none" }] };
  }

  private submit(): EditorAction {
    const line = this.buffer;
    this.submittedDown = Math.max(0, this.drawnEnd - this.drawnRow);
    this.drawnRow = 0;
    this.drawnEnd = 0;
    if (line.trim() && this.history.at(-1) !== line) this.history.push(line);
    this.buffer = "";
    this.cursor = 0;
    this.browse = this.history.length;
    this.draft = "";
    return { kind: "submit", line };
  }

  private key(k: string): EditorAction {
    switch (k) {
      case "left":
        if (this.cursor > 0) this.cursor--;
        return { kind: "redraw" };
      case "right":
        if (this.cursor < this.buffer.length) this.cursor++;
        return { kind: "redraw" };
      case "home":
        this.cursor = 0;
        return { kind: "redraw" };
      case "end":
        this.cursor = this.buffer.length;
        return { kind: "redraw" };
      case "backspace":
        if (this.cursor > 0) {
          this.buffer = this.buffer.slice(0, this.cursor - 1) + this.buffer.slice(this.cursor);
          this.cursor--;
        }
        return { kind: "redraw" };
      case "delete":
        this.buffer = this.buffer.slice(0, this.cursor) + this.buffer.slice(this.cursor + 1);
        return { kind: "redraw" };
      case "up":
        if (this.browse > 0) {
          if (this.browse === this.history.length) this.draft = this.buffer;
          this.browse--;
          this.set(this.history[this.browse] ?? "");
        }
        return { kind: "redraw" };
      case "down":
        if (this.browse < this.history.length) {
          this.browse++;
          this.set(this.browse === this.history.length ? this.draft : (this.history[this.browse] ?? ""));
        }
        return { kind: "redraw" };
      case "interrupt":
        this.drawnRow = 0;
        this.buffer = "";
        this.cursor = 0;
        this.browse = this.history.length;
        return { kind: "interrupt" };
      case "clear":
        return { kind: "clear" };
      default:
        return { kind: "none" };
    }
  }

  private set(line: string): void {
    this.buffer = line;
    this.cursor = line.length;
  }

  /** Row of the cursor below the first row of the line drawn last (a line longer than the terminal wraps). */
  private drawnRow = 0;
  /** Last row of the line drawn last. */
  private drawnEnd = 0;
  /** Rows from the cursor down to the end of the line just submitted (Enter in a wrapped line). */
  private submittedDown = 0;

  /** Where the terminal must go before the newline of a submitted line: its last row. */
  takeMoveToEnd(): string {
    const n = this.submittedDown;
    this.submittedDown = 0;
    return n > 0 ? `\x1b[${n}B` : "";
  }

  /** The next render starts a new line (after a command's output, a cleared screen). */
  newLine(): void {
    this.drawnRow = 0;
  }

  /**
   * The escape sequence that redraws the line after `prompt`, cursor in place. With the
   * terminal's width, a line that wraps is redrawn from its first row (going up to it and
   * clearing below) instead of stacking a copy per key on a narrow screen.
   */
  render(prompt: string, cols?: number): string {
    if (!cols || cols < 2) {
      const back = this.buffer.length - this.cursor;
      return `\r\x1b[K${prompt}${this.buffer}${back > 0 ? `\x1b[${back}D` : ""}`;
    }
    const up = this.drawnRow > 0 ? `\x1b[${this.drawnRow}A` : "";
    const total = prompt.length + this.buffer.length;
    const pos = prompt.length + this.cursor;
    // after the last column the cursor stays on it until the next character (pending wrap)
    const endRow = total > 0 && total % cols === 0 ? total / cols - 1 : Math.floor(total / cols);
    let move = "";
    this.drawnEnd = endRow;
    if (pos === total) this.drawnRow = endRow;
    else {
      const row = Math.floor(pos / cols);
      move = `${endRow > row ? `\x1b[${endRow - row}A` : ""}\x1b[${(pos % cols) + 1}G`;
      this.drawnRow = row;
    }
    return `${up}\r\x1b[J${prompt}${this.buffer}${move}`;
  }
}
