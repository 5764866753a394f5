/**
 * Differential suite: the simulator's drbdadm against the real one (drbd-utils, installed by
 * .ci/run) on the whole corpus: `dump`, `-d up/down/adjust/verify`, `sh-*`, and the error text
 * and exit code of broken files. Any difference not in allow-list.ts fails.
 * Without drbdadm the suite is skipped locally, and fails under CI=true.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ALLOWED } from "./allow-list";
import { allowedBy, commandsFor, type Difference, differences, explain } from "./compare";
import { buildCorpus, type OracleCase } from "./corpus";
import { drbdadmVersion, findDrbdadm, type Run, runReal } from "./real";
import { runSim } from "./sim";

const bin = findDrbdadm();
const inCI = process.env.CI === "true";

describe("differential: simulator vs real drbdadm", () => {
  it("has drbdadm installed under CI (the suite must not skip there)", () => {
    if (!inCI && !bin) console.warn("tests/oracle: drbdadm not found (apt-get install drbd-utils); suite skipped");
    expect(bin !== null || !inCI).toBe(true);
  });

  describe.skipIf(!bin)("on the corpus", () => {
    const corpus: OracleCase[] = buildCorpus();
    const cmds = corpus.map(commandsFor);
    let real: Run[][] = [];
    let sim: Run[][] = [];
    let diffs: Difference[] = [];

    beforeAll(async () => {
      real = runReal(bin as string, corpus, cmds);
      sim = await runSim(corpus, cmds);
      diffs = corpus.flatMap((c, i) => differences(c, cmds[i] as string[], real[i] as Run[], sim[i] as Run[]));
      const allowed = diffs.filter((d) => allowedBy(d));
      const cases = new Set(diffs.map((d) => d.case));
      console.log(
        `tests/oracle: drbdadm ${drbdadmVersion(bin as string)}, ${corpus.length} configurations, ` +
          `${cmds.flat().length} command runs; ${diffs.length} differing fields in ${cases.size} configurations ` +
          `(${allowed.length} allowed by ${ALLOWED.length} allow-list entries)`,
      );
    }, 900_000);

    it("covers at least 300 configurations, valid and broken", () => {
      expect(corpus.length).toBeGreaterThanOrEqual(300);
      const accepted = real.filter((r) => r[0]?.exit === 0).length;
      expect(accepted).toBeGreaterThan(100);
      expect(corpus.length - accepted).toBeGreaterThan(50);
    });

    it("prints what drbdadm prints, except the listed deliberate differences", () => {
      const unlisted = diffs.filter((d) => !allowedBy(d));
      const show = unlisted
        .slice(0, 15)
        .map((d) => `--- ${d.case} :: drbdadm ${d.command} [${d.field}]\nreal: ${d.real}\nsim:  ${d.sim}`)
        .join("\n");
      expect(unlisted.length, `${unlisted.length} unlisted differences:\n${show}`).toBe(0);
    });

    it("has no stale allow-list entry", () => {
      const used = new Set(diffs.flatMap((d) => explain(d)));
      const stale = ALLOWED.filter((a) => !used.has(a));
      expect(stale.map((a) => a.reason)).toEqual([]);
    });
  });
});
