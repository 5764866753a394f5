import type * as Monaco from "monaco-editor/editor";

export const DRBD_THEME = "drbd-light";

/**
 * Monaco's "vs" theme with readable line numbers: its dimmed numbers (#237893 at reduced opacity)
 * fail WCAG's 4.5:1 contrast on white; slate-600 gives 7.6:1.
 */
export function registerDrbdTheme(monaco: typeof Monaco): void {
  monaco.editor.defineTheme(DRBD_THEME, {
    base: "vs",
    inherit: true,
    rules: [],
    colors: {
      "editorLineNumber.foreground": "#475569",
      "editorLineNumber.activeForeground": "#0f172a",
      "editorLineNumber.dimmedForeground": "#475569",
    },
  });
}
