import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkForHost, DEFAULT_CONFIG_FILES, type Diagnostic, dumpConfig, parseConfig, resolveResource } from "./index";
import { tokenize } from "./lexer";

/**
 * Invariant: whatever a learner types, the parser never throws and every diagnostic points at a
 * real place (a file it read, a line inside it), so the editor can always underline it.
 */

const THREE = `resource r0 {
    volume 0 { device minor 0; disk /dev/sdb1; meta-disk internal; }
    options { quorum majority; }
    on node1 { node-id 0; address 172.28.0.11:7788; }
    on node2 { node-id 1; address 172.28.0.12:7788; }
    on node3 { node-id 2; address 172.28.0.13:7788; }
    connection-mesh { hosts node1 node2 node3; net { protocol C; } }
    connection { host node1 address 172.28.1.11:7790; host node2 port 7790; disk { c-max-rate 50M; } }
    syncer { rate 40M; }
}
`;
const CORPUS: Array<Record<string, string>> = [
  { ...DEFAULT_CONFIG_FILES },
  { ...DEFAULT_CONFIG_FILES, "/etc/drbd.d/r0.res": THREE },
];

type Mutation =
  | { kind: "delete-char" | "insert-char"; at: number; ch: string }
  | { kind: "swap-tokens" | "delete-token"; at: number }
  | { kind: "delete-line" | "duplicate-line"; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constantFrom("delete-char" as const, "insert-char" as const),
    at: fc.nat(),
    ch: fc.constantFrom(";", "{", "}", '"', "#", "\n", " ", ":", "x", "1", "[", "=", "é"),
  }),
  fc.record({ kind: fc.constantFrom("swap-tokens" as const, "delete-token" as const), at: fc.nat() }),
  fc.record({ kind: fc.constantFrom("delete-line" as const, "duplicate-line" as const), at: fc.nat() }),
);

function apply(text: string, m: Mutation): string {
  if (m.kind === "delete-char" || m.kind === "insert-char") {
    const at = m.at % (text.length + 1);
    return m.kind === "delete-char"
      ? text.slice(0, at) + text.slice(at + 1)
      : text.slice(0, at) + m.ch + text.slice(at);
  }
  if (m.kind === "swap-tokens" || m.kind === "delete-token") {
    const toks = tokenize(text).filter((t) => t.length > 0);
    if (toks.length < 2) return text;
    const i = m.at % (toks.length - 1);
    const a = toks[i];
    const b = toks[i + 1];
    if (!a || !b) return text;
    const A = text.slice(a.offset, a.offset + a.length);
    const B = text.slice(b.offset, b.offset + b.length);
    if (m.kind === "delete-token") return text.slice(0, a.offset) + text.slice(a.offset + a.length);
    return (
      text.slice(0, a.offset) + B + text.slice(a.offset + a.length, b.offset) + A + text.slice(b.offset + b.length)
    );
  }
  const lines = text.split("\n");
  const i = m.at % lines.length;
  if (m.kind === "delete-line") lines.splice(i, 1);
  else lines.splice(i, 0, lines[i] ?? "");
  return lines.join("\n");
}

function expectLocated(d: Diagnostic, files: Record<string, string>): void {
  // parseConfig turns a crash into an "internal" diagnostic: that would be a bug here
  expect(d.code, d.message).not.toBe("internal");
  const text = files[d.file];
  expect(text, `${d.code} in unknown file ${d.file}`).toBeDefined();
  const lines = (text ?? "").split("\n").length;
  expect(Number.isInteger(d.line)).toBe(true);
  // line 0 only where drbdadm itself prints ":0" (implicit connections) or no location at all
  expect(d.line).toBeGreaterThanOrEqual(d.location !== undefined ? 0 : 1);
  expect(d.line).toBeLessThanOrEqual(lines);
  if (d.column !== undefined) expect(d.column).toBeGreaterThanOrEqual(1);
  expect(d.message.length).toBeGreaterThan(0);
  expect(d.messageFr.length).toBeGreaterThan(0);
}

describe("random edits of valid configurations", () => {
  it("never throw and always locate their diagnostics", () => {
    fc.assert(
      fc.property(
        fc.nat(CORPUS.length - 1),
        fc.constantFrom("/etc/drbd.d/r0.res", "/etc/drbd.d/global_common.conf"),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (ci, file, ms) => {
          const files = { ...CORPUS[ci] };
          files[file] = ms.reduce(apply, files[file] ?? "");
          const { config, diagnostics } = parseConfig(files);
          for (const d of diagnostics) expectLocated(d, files);
          for (const d of checkForHost(config, "node1", { ips: ["172.28.0.11"] }))
            expect(d.message.length).toBeGreaterThan(0);
          dumpConfig(config, { hostname: "node1" });
          for (const r of config.resources) resolveResource(config, r.name, "node1");
        },
      ),
      { numRuns: 600, seed: 20261125 },
    );
  });

  it("deleting any ';' always gives an error inside that file", () => {
    fc.assert(
      fc.property(
        fc.nat(CORPUS.length - 1),
        fc.constantFrom("/etc/drbd.d/r0.res", "/etc/drbd.d/global_common.conf"),
        fc.nat(),
        (ci, file, k) => {
          const files = { ...CORPUS[ci] };
          const text = files[file] ?? "";
          const semis = tokenize(text).filter((t) => t.text === ";" && t.length === 1);
          const s = semis[k % semis.length];
          if (!s) return;
          files[file] = text.slice(0, s.offset) + text.slice(s.offset + 1);
          const errors = parseConfig(files).diagnostics.filter((d) => d.severity === "error" && d.file === file);
          expect(errors.length).toBeGreaterThan(0);
          for (const d of errors) expectLocated(d, files);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
