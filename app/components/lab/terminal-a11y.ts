import type { Terminal } from "@xterm/xterm";

/**
 * Keyboard exit from the terminal (WCAG 2.1.2, no keyboard trap), as CodeMirror does it: Escape
 * arms the exit, and the Tab or Shift+Tab that follows is left to the browser, which moves the
 * focus out. Any other key disarms it. Escape itself is kept from the shell (bash would read it as
 * a Meta prefix, which no workshop command needs). Returns the handler's verdict: false = xterm
 * must not handle the key.
 */
export function keyboardExit(): (ev: KeyboardEvent) => boolean | undefined {
  let armed = false;
  return (ev) => {
    if (ev.type !== "keydown") return armed && ev.key === "Tab" ? false : undefined;
    if (ev.key === "Escape" && !ev.ctrlKey && !ev.altKey && !ev.metaKey) {
      armed = true;
      return false;
    }
    if (ev.key === "Tab" && armed) {
      armed = false;
      return false;
    }
    if (!["Shift", "Control", "Alt", "Meta"].includes(ev.key)) armed = false;
    return undefined;
  };
}

/** What a screen reader says when the terminal takes the focus. */
export function terminalHelp(machine: string): string {
  return `Terminal de ${machine}. Tapez une commande puis Entrée ; la sortie est lue à mesure. Pour quitter le terminal : Échap puis Tab (ou Échap puis Maj+Tab).`;
}

/** Describes xterm's input with the help text (read on focus). */
export function describeTerminal(t: Terminal, machine: string, helpId: string): void {
  t.textarea?.setAttribute("aria-label", `Terminal ${machine}`);
  t.textarea?.setAttribute("aria-describedby", helpId);
}

/** Output as a screen reader should hear it: no escape sequences, no carriage returns. */
export function spokenText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences are what this removes
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
}
