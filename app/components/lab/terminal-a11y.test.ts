import { describe, expect, it } from "vitest";
import { keyboardExit, spokenText } from "./terminal-a11y";

const key = (k: string, extra: Partial<KeyboardEvent> = {}) =>
  ({
    type: "keydown",
    key: k,
    ctrlKey: false,
    altKey: false,
    metaKey: false,
    shiftKey: false,
    ...extra,
  }) as KeyboardEvent;

describe("the terminal is no keyboard trap (WCAG 2.1.2)", () => {
  it("Tab alone stays in the terminal (bash completion)", () => {
    const h = keyboardExit();
    expect(h(key("Tab"))).toBeUndefined();
  });
  it("Escape then Tab or Shift+Tab is left to the browser, which moves the focus", () => {
    const h = keyboardExit();
    expect(h(key("Escape"))).toBe(false);
    expect(h(key("Tab"))).toBe(false);
    expect(h(key("Tab"))).toBeUndefined(); // disarmed after one use
    expect(h(key("Escape"))).toBe(false);
    expect(h(key("Shift", { shiftKey: true }))).toBeUndefined(); // a modifier keeps it armed
    expect(h(key("Tab", { shiftKey: true }))).toBe(false);
  });
  it("another key between Escape and Tab disarms it", () => {
    const h = keyboardExit();
    h(key("Escape"));
    expect(h(key("a"))).toBeUndefined();
    expect(h(key("Tab"))).toBeUndefined();
  });
  it("Ctrl+Escape is not the exit", () => {
    const h = keyboardExit();
    expect(h(key("Escape", { ctrlKey: true }))).toBeUndefined();
    expect(h(key("Tab"))).toBeUndefined();
  });
});

describe("spoken output", () => {
  it("drops colour sequences and carriage returns", () => {
    expect(spokenText("\x1b[31merreur\x1b[0m\r\nsuite")).toBe("erreur\nsuite");
  });
});
