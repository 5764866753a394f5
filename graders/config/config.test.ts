import { describe, expect, it } from "vitest";
import { GLOBAL_COMMON_CONF, R0_RES } from "../../engine/drbd/config/index";
import { getExercise } from "../exercises/index";
import { grade } from "../run";
import type { AnyExercise, GradeResult } from "../types";

const ex = (id: string) => getExercise(id) as AnyExercise;
const check = (r: GradeResult, id: string) => r.checks.find((c) => c.id === id);

/** r0.res with port 7799 and `extra` inserted after `protocol C;`. */
const r0With = (extra: string) =>
  R0_RES.replaceAll(":7788;", ":7799;").replace("    protocol C;\n", `    protocol C;\n${extra}\n`);

describe("ex1.2 sync rate limit", () => {
  it.each([
    ["c-max-rate 100M", "    disk { c-max-rate 100M; }"],
    ["c-max-rate in KiB without unit", "    disk { c-max-rate 102400; }"],
    ["c-max-rate 102400k", "    disk { c-max-rate 102400k; }"],
    ["c-max-rate 102400K", "    disk { c-max-rate 102400K; }"],
    ["resync-rate 100M with c-plan-ahead 0", "    disk { resync-rate 100M; c-plan-ahead 0; }"],
    ["legacy syncer { rate } with c-plan-ahead 0", "    syncer { rate 100M; }\n    disk { c-plan-ahead 0; }"],
  ])("accepts %s", async (_name, extra) => {
    const r = await grade(ex("ex1.2"), r0With(extra));
    expect(r.valid, r.invalidReason).toBe(true);
    expect(check(r, "ex1.2.rate")?.passed).toBe(true);
    expect(r.score).toBe(r.max);
  });

  it("accepts c-max-rate in an explicit connection's disk section (DRBD 9, with node-ids)", async () => {
    const text = r0With(
      "    connection {\n        host node1;\n        host node2;\n        disk { c-max-rate 100M; }\n    }",
    )
      .replace("    on node1 {\n", "    on node1 {\n        node-id 0;\n")
      .replace("    on node2 {\n", "    on node2 {\n        node-id 1;\n");
    const r = await grade(ex("ex1.2"), text);
    expect(r.valid, r.invalidReason).toBe(true);
    expect(check(r, "ex1.2.rate")?.passed).toBe(true);
    expect(r.score).toBe(r.max);
  });

  it("accepts the limit written in common (global_common.conf) through a multi-file submission", async () => {
    const common = GLOBAL_COMMON_CONF.replace(
      "        on-io-error detach;\n",
      "        on-io-error detach;\n        c-max-rate 100M;\n",
    );
    const r = await grade(ex("ex1.2"), {
      files: { "/etc/drbd.d/r0.res": R0_RES.replaceAll(":7788;", ":7799;"), "/etc/drbd.d/global_common.conf": common },
    });
    expect(r.valid, r.invalidReason).toBe(true);
    expect(r.score).toBe(r.max);
  });

  it("gives half credit to resync-rate alone and explains the dynamic controller", async () => {
    const r = await grade(ex("ex1.2"), r0With("    disk { resync-rate 100M; }"));
    const c = check(r, "ex1.2.rate");
    expect(c).toMatchObject({ passed: false, points: 1.5, max: 3 });
    expect(c?.message).toMatch(
      /node1, node2 : resync-rate 100M \(102400 KiB\/s\) seul n’est que la valeur de départ du contrôleur dynamique/,
    );
    expect(c?.message).toMatch(/c-plan-ahead 0/);
  });

  it("gives half credit to the legacy syncer rate alone, converted to resync-rate as drbdadm 9 does", async () => {
    const r = await grade(ex("ex1.2"), r0With("    syncer { rate 100M; }"));
    expect(check(r, "ex1.2.rate")).toMatchObject({ passed: false, points: 1.5 });
  });

  it.each([
    [
      "10M",
      "    disk { c-max-rate 10M; }",
      /c-max-rate vaut 10M \(10240 KiB\/s\) \(\/etc\/drbd\.d\/r0\.res:3\), pas 100M/,
    ],
    ["100 KiB", "    disk { c-max-rate 100; }", /c-max-rate vaut 100 KiB\/s/],
    [
      "a fixed rate of 250 KiB/s",
      "    disk { c-plan-ahead 0; }",
      /c-plan-ahead 0 le débit est resync-rate, qui vaut 250 KiB\/s \(valeur par défaut de DRBD\)/,
    ],
    ["nothing", "", /aucune limite de débit/],
  ])("rejects a limit of %s with a message saying what is set", async (_name, extra, message) => {
    const r = await grade(ex("ex1.2"), r0With(extra));
    const c = check(r, "ex1.2.rate");
    expect(c?.passed).toBe(false);
    expect(c?.points).toBe(0);
    expect(c?.message).toMatch(message);
  });
});

describe("ex1.2 invalid configs cost no attempt", () => {
  it("reports a missing semicolon with file:line and drbdadm's own text", async () => {
    const r = await grade(ex("ex1.2"), R0_RES.replace("protocol C;", "protocol C"));
    expect(r.valid).toBe(false);
    expect(r.checks).toEqual([]);
    expect(r.diagnostics?.[0]).toMatchObject({ file: "/etc/drbd.d/r0.res", line: 3 });
    expect(r.invalidReason).toMatch(
      /^\/etc\/drbd\.d\/r0\.res:3: Point-virgule manquant.*drbdadm : « .*Parse error: ';' expected/,
    );
  });

  it("reports a misspelt option", async () => {
    const r = await grade(ex("ex1.2"), r0With("    disk { c-max-rat 100M; }"));
    expect(r.valid).toBe(false);
    expect(r.invalidReason).toMatch(/c-max-rat/);
  });

  it("reports a bad unit", async () => {
    const r = await grade(ex("ex1.2"), r0With("    disk { c-max-rate 100X; }"));
    expect(r.valid).toBe(false);
  });

  it("reports an address that is not the node's IP", async () => {
    const r = await grade(ex("ex1.2"), R0_RES.replace("172.28.0.12:7788", "172.28.0.21:7799"));
    expect(r.valid).toBe(false);
    expect(r.invalidReason).toMatch(/172\.28\.0\.21/);
  });

  it("reports a malformed multi-file submission", async () => {
    const r = await grade(ex("ex1.2"), { files: { "/tmp/x": "" } });
    expect(r.valid).toBe(false);
  });
});

describe("ex1.2 port", () => {
  it("names the node and address still on the old port", async () => {
    const r = await grade(ex("ex1.2"), R0_RES.replace("172.28.0.11:7788", "172.28.0.11:7799"));
    expect(check(r, "ex1.2.port")?.message).toMatch(/node2 écoute encore sur 172\.28\.0\.12:7788\.$/);
  });
});

describe("ex3.2 split-brain configuration", () => {
  const inR0 = R0_RES.replace(
    "    protocol C;\n",
    '    protocol C;\n    handlers { split-brain "/scripts/notify-splitbrain.sh"; }\n    net {\n        after-sb-0pri discard-younger-primary;\n        after-sb-1pri discard-secondary;\n        after-sb-2pri disconnect;\n    }\n',
  );

  it("accepts the handler and the policies written in r0 instead of common", async () => {
    const r = await grade(ex("ex3.2"), { files: { "/etc/drbd.d/r0.res": inR0 } });
    expect(r.valid, r.invalidReason).toBe(true);
    expect(r.score).toBe(r.max);
  });

  it("says which value is in effect and where it comes from", async () => {
    const r = await grade(ex("ex3.2"), GLOBAL_COMMON_CONF);
    expect(check(r, "ex3.2.after-sb-0pri")?.message).toMatch(
      /after-sb-0pri doit valoir discard-younger-primary : node1, node2 : after-sb-0pri vaut « discard-zero-changes » \(\/etc\/drbd\.d\/global_common\.conf:\d+\)/,
    );
    expect(check(r, "ex3.2.handler")?.message).toMatch(/split-brain absent/);
  });

  it("treats a value DRBD does not allow for that policy as invalid input", async () => {
    const r = await grade(
      ex("ex3.2"),
      GLOBAL_COMMON_CONF.replace("after-sb-1pri discard-secondary;", "after-sb-1pri discard-younger-primary;"),
    );
    expect(r.valid).toBe(false);
    expect(r.invalidReason).toMatch(/after-sb-1pri/);
  });
});

describe("ex9.1 second resource", () => {
  const base = ex("ex9.1").solution as string;
  it("refuses r1 on r0's minor or port as invalid (drbdadm refuses it too)", async () => {
    expect((await grade(ex("ex9.1"), base.replaceAll("/dev/drbd1", "/dev/drbd0"))).valid).toBe(false);
    expect((await grade(ex("ex9.1"), base.replaceAll(":7789", ":7788"))).valid).toBe(false);
  });
  it("accepts any free minor and port", async () => {
    const r = await grade(ex("ex9.1"), base.replaceAll("/dev/drbd1", "/dev/drbd5").replaceAll(":7789", ":7800"));
    expect(r.score).toBe(r.max);
  });
});

describe("ex9.4 per-connection protocols", () => {
  it("lists the inter-site connections that are not in protocol A", async () => {
    const sol = ex("ex9.4").solution as string;
    const oneWrong = sol.replace(
      "host node1;\n        host node3;\n        net { protocol A; }",
      "host node1;\n        host node3;\n        net { protocol C; }",
    );
    const r = await grade(ex("ex9.4"), oneWrong);
    expect(check(r, "ex9.4.inter-site")?.message).toMatch(/node1–node3 : protocole C\.$/);
  });
});

describe("ex5.2 tuning", () => {
  const sol = ex("ex5.2").solution as string;
  it("accepts protocol A as the latency lever and says what it costs", async () => {
    const r = await grade(ex("ex5.2"), sol.replace("al-extents 3389;", "").replace("protocol B;", "protocol A;"));
    expect(check(r, "ex5.2.latency")?.message).toMatch(/protocole A .*perdues/);
    expect(r.score).toBe(r.max);
  });
  it("gives half credit while csums-alg is kept and explains its cost", async () => {
    const r = await grade(ex("ex5.2"), sol.replace("max-buffers 36k;", "max-buffers 36k;\n        csums-alg md5;"));
    expect(check(r, "ex5.2.cpu")).toMatchObject({ passed: false, points: 1.5 });
    expect(check(r, "ex5.2.cpu")?.message).toMatch(/csums-alg md5/);
  });
});
