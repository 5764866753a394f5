// The server's memory allocator (scripts/allocator.ts): jemalloc preloaded when the system has it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  allocatorEnv,
  chooseAllocator,
  describeAllocator,
  GLIBC_ENV,
  JEMALLOC_CONF,
  JEMALLOC_PATHS,
} from "../scripts/allocator";

const debian = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
const only =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

describe("the server's allocator", () => {
  it("preloads jemalloc when the system has it, with its decay settings", () => {
    const a = chooseAllocator({}, only(debian), "linux");
    expect(a).toEqual({ kind: "jemalloc", library: debian });
    expect(allocatorEnv(a, {})).toEqual({ LD_PRELOAD: debian, MALLOC_CONF: JEMALLOC_CONF });
    expect(describeAllocator(a)).toBe(`jemalloc (${debian})`);
    // another distribution's path
    expect(chooseAllocator({}, only("/usr/lib64/libjemalloc.so.2"), "linux")).toEqual({
      kind: "jemalloc",
      library: "/usr/lib64/libjemalloc.so.2",
    });
  });

  it("falls back to glibc with a fixed mmap threshold: no library, LAB_ALLOCATOR=glibc, not Linux", () => {
    for (const a of [
      chooseAllocator({}, only(), "linux"),
      chooseAllocator({ LAB_ALLOCATOR: "glibc" }, only(debian), "linux"),
      chooseAllocator({}, only(debian), "darwin"),
      chooseAllocator({ LAB_JEMALLOC: "/nowhere/libjemalloc.so.2" }, only(debian), "linux"),
    ]) {
      expect(a).toEqual({ kind: "glibc" });
      expect(allocatorEnv(a, {})).toEqual(GLIBC_ENV);
    }
    // the operator's own threshold stays
    expect(allocatorEnv({ kind: "glibc" }, { MALLOC_MMAP_THRESHOLD_: "65536" })).toEqual({});
  });

  it("keeps the operator's choices: LAB_JEMALLOC, an LD_PRELOAD, a MALLOC_CONF", () => {
    const mine = "/opt/jemalloc/lib/libjemalloc.so.2";
    const a = chooseAllocator({ LAB_JEMALLOC: mine }, only(mine, debian), "linux");
    expect(a).toEqual({ kind: "jemalloc", library: mine });
    expect(allocatorEnv(a, { LD_PRELOAD: "/lib/other.so", MALLOC_CONF: "narenas:2" })).toEqual({
      LD_PRELOAD: `${mine}:/lib/other.so`,
    });
    // already preloaded (npm run bench starts again with it): nothing to add
    const pre = chooseAllocator({ LD_PRELOAD: debian, MALLOC_CONF: JEMALLOC_CONF }, only(), "linux");
    expect(pre).toEqual({ kind: "jemalloc", library: debian });
    expect(allocatorEnv(pre, { LD_PRELOAD: debian, MALLOC_CONF: JEMALLOC_CONF })).toEqual({});
  });

  const installed = JEMALLOC_PATHS.find((p) => existsSync(p));
  // CI installs libjemalloc2 (.ci/run): there, the served process must really run on it
  it.skipIf(!installed && process.env.CI !== "true")("gives a child process jemalloc, mapped in its memory", () => {
    const a = chooseAllocator({}, existsSync, process.platform);
    expect(a.kind).toBe("jemalloc");
    const child = spawnSync(
      process.execPath,
      [
        "-e",
        "process.stdout.write(String(/libjemalloc\\.so/.test(require('fs').readFileSync('/proc/self/maps','utf8'))))",
      ],
      { env: { ...process.env, LD_PRELOAD: "", MALLOC_CONF: "", ...allocatorEnv(a, {}) }, encoding: "utf8" },
    );
    expect(child.stderr).toBe("");
    expect(child.stdout).toBe("true");
  });
});
