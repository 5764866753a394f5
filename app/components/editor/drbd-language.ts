import type * as Monaco from "monaco-editor/editor";
import { completionItems, configVocabulary, parseConfig, sectionAt } from "@/engine/drbd/config";

/**
 * Registers the `drbd` language once: highlighting by Monaco's Monarch tokenizer (sections as
 * keywords, options as types, enumerated values as constants, from the words completion offers),
 * brackets, keyword completion.
 */
export function registerDrbdLanguage(monaco: typeof Monaco): void {
  if (monaco.languages.getLanguages().some((l) => l.id === "drbd")) return;
  monaco.languages.register({ id: "drbd", extensions: [".res", ".conf"] });
  monaco.languages.setMonarchTokensProvider("drbd", {
    ...configVocabulary(),
    tokenizer: {
      root: [
        [/#.*$/, "comment"],
        [/[{}]/, "@brackets"],
        [/;/, "delimiter"],
        [/"([^"\\]|\\.)*"/, "string"],
        [/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/, "number"],
        [/\/[\w./*-]+/, "string.path"],
        [/\b\d+[kKmMgGsT]?\b/, "number"],
        [
          /[a-zA-Z_][\w-]*/,
          { cases: { "@sections": "keyword", "@options": "type", "@values": "constant", "@default": "identifier" } },
        ],
      ],
    },
  });
  monaco.languages.setLanguageConfiguration("drbd", {
    comments: { lineComment: "#" },
    brackets: [["{", "}"]],
    autoClosingPairs: [
      { open: "{", close: "}" },
      { open: '"', close: '"' },
    ],
  });
  monaco.languages.registerCompletionItemProvider("drbd", {
    provideCompletionItems(model, position) {
      const word = model.getWordUntilPosition(position);
      const range = {
        startLineNumber: position.lineNumber,
        endLineNumber: position.lineNumber,
        startColumn: word.startColumn,
        endColumn: word.endColumn,
      };
      const path = sectionAt(model.getValue(), model.getOffsetAt(position));
      // after an option name on the same line: its values
      const line = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
      const option = /^\s*([a-z][\w-]*)\s+\S*$/.exec(line)?.[1];
      const items = (option ? completionItems([...path, option]) : []).concat(completionItems(path));
      const K = monaco.languages.CompletionItemKind;
      return {
        suggestions: items.map((i) => ({
          label: i.label,
          kind: i.kind === "section" ? K.Module : i.kind === "value" ? K.EnumMember : K.Property,
          detail: i.detail,
          documentation: i.documentationFr,
          insertText: i.label,
          range,
        })),
      };
    },
  });
}

/** The engine parser's diagnostics for `path` (other files of the node as context), as markers. */
export function drbdMarkers(
  monaco: typeof Monaco,
  path: string,
  text: string,
  others: Record<string, string>,
  hostname: string,
): Monaco.editor.IMarkerData[] {
  const files = { ...others, [path]: text };
  const { diagnostics } = parseConfig(files, hostname ? { hostname } : {});
  return diagnostics
    .filter((d) => d.file === path && d.line > 0)
    .map((d) => ({
      severity: d.severity === "error" ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
      message: d.messageFr,
      startLineNumber: d.line,
      endLineNumber: d.line,
      startColumn: d.column ?? 1,
      endColumn: d.endColumn ?? (d.column ? d.column + 1 : 1000),
      source: "drbdadm",
    }));
}
