import { describe, expect, it } from "vitest";
import { LineEditor } from "./line-editor";

const type = (e: LineEditor, ...chunks: string[]) => chunks.flatMap((c) => e.feed(c).actions);

describe("LineEditor", () => {
  it("inserts at the cursor, moves with arrows, home/end, backspace and delete", () => {
    const e = new LineEditor();
    type(e, "drbdam statuss", "\x7f", ...Array<string>(8).fill("\x1b[D"), "x", "\x7f", "d");
    expect(e.buffer).toBe("drbdadm status");
    expect(e.cursor).toBe(6);
    const f = new LineEditor();
    type(f, "bc", "\x1b[H", "a", "\x1b[F", "d", "\x1b[H", "\x1b[3~");
    expect(f.buffer).toBe("bcd");
    expect(f.cursor).toBe(0);
    expect(f.render("$ ")).toBe("\r\x1b[K$ bcd\x1b[3D");
  });

  it("submits on Enter and browses the history with up/down, keeping the draft", () => {
    const e = new LineEditor(["ls"]);
    expect(type(e, "pwd", "\r")).toContainEqual({ kind: "submit", line: "pwd" });
    type(e, "dra");
    type(e, "\x1b[A");
    expect(e.buffer).toBe("pwd");
    type(e, "\x1b[A", "\x1b[A");
    expect(e.buffer).toBe("ls");
    type(e, "\x1b[B", "\x1b[B");
    expect(e.buffer).toBe("dra");
  });

  it("turns Ctrl-C into an interrupt that clears the line, Ctrl-L into clear", () => {
    const e = new LineEditor();
    expect(type(e, "sleep 100", "\x03")).toContainEqual({ kind: "interrupt" });
    expect(e.buffer).toBe("");
    expect(type(e, "\x0c")).toEqual([{ kind: "clear" }]);
  });

  it("submits each line of a paste, control characters dropped", () => {
    const e = new LineEditor();
    const actions = type(e, "echo a\r\necho\tb\nech");
    expect(actions.filter((a) => a.kind === "submit")).toEqual([
      { kind: "submit", line: "echo a" },
      { kind: "submit", line: "echob" },
    ]);
    expect(e.buffer).toBe("ech");
  });
});

describe("LineEditor on a narrow terminal", () => {
  it("redraws a line that wraps from its first row instead of stacking copies", () => {
    const e = new LineEditor();
    // 10 columns, prompt "$ " (2) + 12 characters: two rows, cursor on the second
    type(e, "echo global");
    expect(e.render("$ ", 10)).toBe("\r\x1b[J$ echo global");
    type(e, "_");
    // the cursor is on row 1: go up one row before redrawing
    expect(e.render("$ ", 10)).toBe("\x1b[1A\r\x1b[J$ echo global_");
    // cursor moved back to 0-based column 4 of row 0: redraw, then up one row and to column 5
    type(e, ...Array<string>(10).fill("\x1b[D"));
    expect(e.render("$ ", 10)).toBe("\x1b[1A\r\x1b[J$ echo global_\x1b[1A\x1b[5G");
    expect(e.render("$ ", 10)).toBe("\r\x1b[J$ echo global_\x1b[1A\x1b[5G");
  });

  it("starts afresh after Enter and keeps the old rendering without a width", () => {
    const e = new LineEditor();
    type(e, "echo global_common");
    e.render("$ ", 10);
    type(e, "\r");
    expect(e.render("$ ", 10)).toBe("\r\x1b[J$ ");
    expect(e.render("$ ")).toBe("\r\x1b[K$ ");
  });
});

describe("Enter in the middle of a wrapped line", () => {
  it("tells the terminal to go down to the line's last row first", () => {
    const e = new LineEditor();
    type(e, "echo global_common");
    e.render("$ ", 10);
    type(e, "\x1b[H");
    e.render("$ ", 10);
    type(e, "\r");
    expect(e.takeMoveToEnd()).toBe("\x1b[1B");
    expect(e.takeMoveToEnd()).toBe("");
  });
});
