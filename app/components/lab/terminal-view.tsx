"use client";

import "@xterm/xterm/css/xterm.css";
import type { FitAddon } from "@xterm/addon-fit";
import type { Terminal } from "@xterm/xterm";
import { type Ref, useEffect, useId, useImperativeHandle, useRef, useState } from "react";
import type { TranscriptEntry } from "@/lib/labs/live";
import { LineEditor } from "./line-editor";
import { describeTerminal, keyboardExit, spokenText, terminalHelp } from "./terminal-a11y";

export interface TerminalHandle {
  /** Types each command at the prompt and runs it, one after the other (the chapter's buttons). */
  run(commands: string[]): Promise<void>;
  focus(): void;
}

interface Props {
  machine: string;
  active: boolean;
  prompt: string;
  scrollback: TranscriptEntry[];
  /** Runs the line; `write` shows its output as it is printed (Ctrl-C's ^C included). */
  onCommand: (line: string, write: (text: string) => void) => Promise<void>;
  onInterrupt: () => void;
  /** Take the keyboard as soon as the terminal exists (the learner just opened the lab or typed in it). */
  focusOnOpen?: boolean;
  ref?: Ref<TerminalHandle>;
}

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const crlf = (s: string) => s.replace(/\r?\n/g, "\r\n");
/** Bash's prompt (PS1 `\u@\h:\w\$ `), as opposed to an interactive program's (psql: `testdb=# `). */
const BASH_PROMPT = /^[^\s@]+@[^\s:]+:.*[#$] $/;
/** Bash's PS2: the prompt of the lines that continue a command. */
const PS2 = "> ";
/** A command of several lines as bash echoes it: the continuation prompt before each next line. */
const echoed = (input: string) => input.replace(/\r?\n/g, `\r\n${PS2}`);

/** One machine's terminal: xterm.js with bash-like line editing, history and Ctrl-C. */
export function TerminalView({
  machine,
  active,
  prompt,
  scrollback,
  onCommand,
  onInterrupt,
  focusOnOpen = false,
  ref,
}: Props) {
  const box = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const fit = useRef<FitAddon | null>(null);
  const promptRef = useRef(prompt);
  const busy = useRef(false);
  /** Keys typed while a command runs: fed to the line editor afterwards (bash's typeahead). */
  const typeahead = useRef<string[]>([]);
  const editor = useRef(new LineEditor(scrollback.filter((e) => e.machine === machine).map((e) => e.input)));
  const queue = useRef<Promise<void>>(Promise.resolve());
  /** Resolves once xterm is loaded and open (it is imported lazily, in the browser only). */
  const ready = useRef(deferred());
  /** Lines of a command not complete yet (open here-document, quote, `\`…): bash's `> ` prompt. */
  const pending = useRef<string[]>([]);
  /**
   * just-bash's parser deciding whether a command is complete: loaded beside xterm, off the page's
   * first load and without holding the terminal back; a line entered before it is there waits for it.
   */
  const needsMoreInput = useRef<((text: string) => boolean) | null>(null);
  const parserLoad = useRef<Promise<void>>(Promise.resolve());
  const currentPrompt = () => (pending.current.length > 0 ? PS2 : promptRef.current);
  /** The line as the editor draws it, knowing the width: a long line wraps on a phone. */
  const renderLine = (p: string) => editor.current.render(p, term.current?.cols);
  const handlers = useRef({ onCommand, onInterrupt });
  handlers.current = { onCommand, onInterrupt };
  const wantsFocus = useRef(false);
  wantsFocus.current = focusOnOpen && active;
  const helpId = useId();
  /** The last outputs, as text for screen readers (a polite live log beside the canvas). */
  const [spoken, setSpoken] = useState<{ id: number; text: string }[]>([]);
  const spokenSeq = useRef(0);
  function speak(text: string) {
    const clean = spokenText(text).trim();
    if (!clean) return;
    const id = ++spokenSeq.current;
    setSpoken((prev) => [...prev.slice(-19), { id, text: clean }]);
  }

  async function submit(line: string) {
    const t = term.current;
    if (!t) return;
    t.write("\r\n");
    if (line.trim() !== "") {
      busy.current = true;
      // the output comes as the command prints it; the prompt goes on a line of its own
      let last = "\n";
      try {
        await handlers.current.onCommand(line, (text) => {
          if (text === "") return;
          t.write(crlf(text));
          speak(text);
          last = text.slice(-1);
        });
      } catch (e) {
        if (last !== "\n") t.write("\r\n");
        last = "\n";
        t.write(`\x1b[31m${crlf(e instanceof Error ? e.message : String(e))}\x1b[0m\r\n`);
        speak(e instanceof Error ? e.message : String(e));
      } finally {
        busy.current = false;
      }
      if (last !== "\n") t.write("\r\n");
    }
    busy.current = false;
    t.write(renderLine(currentPrompt()));
    const typed = typeahead.current.splice(0);
    for (const data of typed) handleData(data);
  }

  function handleData(data: string) {
    const t = term.current;
    if (!t) return;
    if (!needsMoreInput.current && !busy.current && /[\r\n]/.test(data)) {
      busy.current = true;
      typeahead.current.push(data);
      void parserLoad.current.then(() => {
        busy.current = false;
        for (const d of typeahead.current.splice(0)) handleData(d);
      });
      return;
    }
    if (busy.current) {
      if (data === "\x03") {
        // Ctrl-C: the server stops the command; its ^C and the prompt come back with the reply
        typeahead.current = [];
        handlers.current.onInterrupt();
      } else typeahead.current.push(data);
      return;
    }
    for (const a of editor.current.feed(data).actions) {
      if (a.kind === "redraw") t.write(renderLine(currentPrompt()));
      else if (a.kind === "submit") {
        t.write(editor.current.takeMoveToEnd()); // Enter in a wrapped line: below its last row
        // bash reads on until the command is complete, then runs all its lines at once
        const command = [...pending.current, a.line].join("\n");
        // only bash's lines (prompt `user@host:dir$ `): psql has its own continuation prompts
        if ((pending.current.length > 0 || BASH_PROMPT.test(promptRef.current)) && needsMoreInput.current?.(command)) {
          pending.current.push(a.line);
          t.write(`\r\n${renderLine(PS2)}`);
          continue;
        }
        pending.current = [];
        busy.current = true; // what follows is typeahead until this command is done
        void enqueue(command);
      } else if (a.kind === "interrupt") {
        pending.current = []; // Ctrl-C drops the unfinished command too
        t.write(`^C\r\n${renderLine(promptRef.current)}`);
      } else if (a.kind === "clear") {
        t.clear();
        editor.current.newLine();
        t.write(renderLine(currentPrompt()));
      }
    }
  }

  function enqueue(line: string) {
    queue.current = queue.current.then(() => submit(line));
    return queue.current;
  }

  useImperativeHandle(ref, () => ({
    run: async (commands) => {
      await ready.current.promise;
      for (const c of commands) {
        await queue.current;
        const t = term.current;
        if (!t) return;
        pending.current = [];
        t.write(`\r\x1b[K${promptRef.current}${echoed(c)}`);
        // into the history, as bash keeps a command of several lines (cmdhist)
        editor.current.buffer = c;
        editor.current.feed("\r");
        await enqueue(c);
      }
    },
    focus: () => term.current?.focus(),
  }));

  // biome-ignore lint/correctness/useExhaustiveDependencies: the terminal is created once; props are read through refs
  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    void (async () => {
      parserLoad.current = import("@/engine/shell/continuation").then(
        (m) => {
          needsMoreInput.current = m.needsMoreInput;
        },
        () => {
          needsMoreInput.current = () => false; // without the parser, every line runs as typed
        },
      );
      const [{ Terminal }, { FitAddon }] = await Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit")]);
      if (disposed || !box.current) return;
      const t = new Terminal({
        fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
        fontSize: 14,
        // rows of 14 px × 1.2: the underscore sits below the baseline; 1.0 clipped it at scale 1
        lineHeight: 1.2,
        cursorBlink: true,
        scrollback: 5000,
        theme: { background: "#0f172a", foreground: "#e2e8f0" },
      });
      const f = new FitAddon();
      t.loadAddon(f);
      t.open(box.current);
      describeTerminal(t, machine, helpId);
      term.current = t;
      fit.current = f;
      f.fit();
      for (const e of scrollback)
        if (e.machine === machine) t.write(`${e.prompt}${echoed(e.input)}\r\n${crlf(e.output)}`);
      t.write(renderLine(promptRef.current));
      ready.current.resolve();
      // created after the `active` effect ran: a keyboard user lands in it, not on the page's top
      if (wantsFocus.current) t.focus();
      // Ctrl-C with a selection copies it (as in GNOME Terminal with Ctrl-Shift-C); else it interrupts.
      const exit = keyboardExit();
      t.attachCustomKeyEventHandler((ev) => {
        if (exit(ev) === false) return false;
        if (ev.type === "keydown" && (ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === "c" && t.hasSelection()) {
          void navigator.clipboard?.writeText(t.getSelection()).catch(() => undefined);
          return false;
        }
        return true;
      });
      t.onData((data) => handleData(data));
      observer = new ResizeObserver(() => fit.current?.fit());
      observer.observe(box.current);
    })();
    return () => {
      disposed = true;
      observer?.disconnect();
      term.current?.dispose();
      term.current = null;
    };
  }, []);

  // The prompt changes when a `docker exec` moves this tab into another shell.
  useEffect(() => {
    promptRef.current = prompt;
    const shown = pending.current.length > 0 ? PS2 : prompt;
    if (!busy.current && term.current) term.current.write(editor.current.render(shown, term.current.cols));
  }, [prompt]);

  useEffect(() => {
    if (!active) return;
    fit.current?.fit();
    term.current?.focus();
    // A tab shown by a `docker exec` typed in another tab: the browser moves focus only once
    // this terminal is laid out, after the frame that shows it.
    const raf = requestAnimationFrame(() => term.current?.focus());
    return () => cancelAnimationFrame(raf);
  }, [active]);

  // xterm's fit measures the box it is opened in, padding included: the padding is outside it
  return (
    <>
      <p id={helpId} className="sr-only">
        {terminalHelp(machine)}
      </p>
      <div className="w-full rounded-b-lg bg-slate-900 p-2" hidden={!active}>
        <div ref={box} data-testid={`terminal-${machine}`} className="h-76 w-full overflow-hidden" />
      </div>
      <div
        role="log"
        aria-label={`Sortie du terminal ${machine}`}
        className="sr-only"
        data-testid={`spoken-${machine}`}
      >
        {spoken.map((s) => (
          <p key={s.id}>{s.text}</p>
        ))}
      </div>
    </>
  );
}
