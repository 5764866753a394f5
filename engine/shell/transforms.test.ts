/**
 * The rewritings applied to every parse (determinism.ts, work.ts, tty.ts) copy only what they
 * change: the parse is the exec's own, so a subtree they leave alone is kept as parsed, and
 * the parse they are given is never modified. The terminal rewriting leaves the machine's
 * prelude (`shopt -s expand_aliases`, functions, `(exit N)`) without redirections, and only it.
 */
import { parse, type TransformPlugin } from "just-bash";
import { describe, expect, it } from "vitest";
import { determinismTransform } from "./determinism";
import { TTY_OUT, ttyTransform } from "./tty";
import { TICK, tickTransform } from "./work";

type Ast = ReturnType<typeof parse>;
const run = (plugin: TransformPlugin, ast: Ast): Ast => plugin.transform({ ast, metadata: {} }).ast;
const text = (v: unknown) => JSON.stringify(v);

describe("copy-on-write rewritings", () => {
  it("keep a line without loops, functions, $RANDOM, $SECONDS nor time as parsed", () => {
    const ast = parse("ls -l /etc | grep host; echo ok > /tmp/x");
    const before = text(ast);
    expect(run(determinismTransform(), ast)).toBe(ast);
    expect(run(tickTransform(), ast)).toBe(ast);
    expect(text(ast)).toBe(before);
  });

  it("rewrite what they must, in a copy, leaving the parse and its untouched parts alone", () => {
    const ast = parse("echo first; for i in 1 2; do echo $RANDOM; done; f() { :; }; time true");
    const before = text(ast);
    const det = run(determinismTransform(), ast);
    const out = run(tickTransform(), det);
    expect(text(ast)).toBe(before);
    expect(out).not.toBe(ast);
    // the untouched first statement is the parsed one
    expect(out.statements[0]).toBe(ast.statements[0]);
    const s = text(out);
    expect(s).toContain(TICK);
    expect(s).toContain("__lab_random");
    expect(s).toContain("__lab_time_start");
    expect(s).not.toContain('"parameter":"RANDOM"');
    // the loop body and the function body each start with the tick
    expect(text(out.statements[1])).toContain(TICK);
    expect(text(out.statements[2])).toContain(TICK);
  });
});

describe("terminal rewriting and the machine's prelude", () => {
  const redirected = (s: unknown) => text(s).includes(TTY_OUT);
  it("leaves the prelude's statements without redirections, and rewrites the typed line", () => {
    const ast = parse("shopt -s expand_aliases\nf() { echo in f; }\n(exit 3)\necho hi; (exit 4)");
    const out = run(
      ttyTransform(() => 3),
      ast,
    );
    expect(out.statements.slice(0, 3).map(redirected)).toEqual([false, false, false]);
    // the typed line's statements, a `(exit N)` included, print to the terminal
    expect(out.statements.slice(3).map(redirected)).toEqual([true, true]);
    // `((0))`, status 1's prelude, likewise; `((1))` is not it
    const arith = run(
      ttyTransform(() => 3),
      parse("shopt -s expand_aliases\n((0))\n((1)); echo x"),
    );
    expect(arith.statements.map(redirected)).toEqual([false, false, true, true]);
  });

  it("rewrites as usual what is not a prelude form, even within the prelude's count", () => {
    const ast = parse("echo a\nshopt -s extglob\n(exit 1; echo b)");
    const out = run(
      ttyTransform(() => 3),
      ast,
    );
    expect(out.statements.map(redirected)).toEqual([true, true, true]);
    // and a parse it is not asked to take is left alone
    expect(
      run(
        ttyTransform(() => false),
        ast,
      ),
    ).toBe(ast);
  });
});
