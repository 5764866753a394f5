// The memory allocator of the served process (`npm start`) and of `npm run bench`.
//
// A lab's PostgreSQL (PGlite) allocates and frees tens of MiB of small buffers at each start
// and stop (its data directory's files, read into an in-memory filesystem), between the lab's
// own long-lived buffers (its disks' pages). glibc's malloc cannot give that memory back: it
// only trims the top of a heap, and the freed chunks are scattered. Measured on 6 TP4 labs
// whose servers went to sleep: glibc kept 34–40 MiB per idle lab (its heaps grew from 73 to
// 320 MiB and stayed there once the labs were dropped), jemalloc 3 MiB (it returns free pages
// after `dirty_decay_ms`), back to the base once dropped.
//
// So the server runs under jemalloc when the system has it (Debian: `apt-get install
// libjemalloc2`), preloaded into the child process it spawns; else under glibc with a fixed
// mmap threshold (its large buffers at least go back). `LAB_ALLOCATOR=glibc` keeps glibc;
// `LAB_JEMALLOC=/path/libjemalloc.so.2` names another copy; `MALLOC_CONF` set by the operator wins.
import { existsSync } from "node:fs";

/** Where Debian, Ubuntu, Fedora and Alpine put jemalloc's shared library. */
export const JEMALLOC_PATHS: readonly string[] = [
  "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
  "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2",
  "/usr/lib64/libjemalloc.so.2",
  "/usr/lib/libjemalloc.so.2",
];

/**
 * jemalloc's settings: a background thread returns free pages to the system a second after
 * they were freed (dirty_decay_ms; default 10 s), without keeping them in a second, "muzzy"
 * stage.
 */
export const JEMALLOC_CONF = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0";

/** glibc without jemalloc: buffers of 128 KiB and more are mapped apart, and unmapped when freed. */
export const GLIBC_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: "131072" };

export type Allocator = { kind: "jemalloc"; library: string } | { kind: "glibc" };

type Env = Readonly<Record<string, string | undefined>>;

/** Which allocator a process started with `env` should get. */
export function chooseAllocator(
  env: Env = process.env,
  exists: (path: string) => boolean = existsSync,
  platform: NodeJS.Platform = process.platform,
): Allocator {
  const wanted = env.LAB_ALLOCATOR?.trim().toLowerCase();
  if (platform !== "linux" || wanted === "glibc" || wanted === "system") return { kind: "glibc" };
  const preloaded = env.LD_PRELOAD?.split(/[:\s]+/).find((p) => /libjemalloc\.so/.test(p));
  if (preloaded) return { kind: "jemalloc", library: preloaded };
  const named = env.LAB_JEMALLOC?.trim();
  const library = named ? (exists(named) ? named : undefined) : JEMALLOC_PATHS.find((p) => exists(p));
  return library ? { kind: "jemalloc", library } : { kind: "glibc" };
}

/** The environment variables that give a child process this allocator (added to its env). */
export function allocatorEnv(allocator: Allocator, env: Env = process.env): Record<string, string> {
  if (allocator.kind === "glibc") return env.MALLOC_MMAP_THRESHOLD_ ? {} : { ...GLIBC_ENV };
  const preload = env.LD_PRELOAD?.trim() ?? "";
  const loaded = preload.split(/[:\s]+/).includes(allocator.library);
  return {
    ...(loaded ? {} : { LD_PRELOAD: preload ? `${allocator.library}:${preload}` : allocator.library }),
    ...(env.MALLOC_CONF ? {} : { MALLOC_CONF: JEMALLOC_CONF }),
  };
}

/** For the start-up log: "jemalloc (/usr/lib/…)" or "glibc". */
export function describeAllocator(allocator: Allocator): string {
  return allocator.kind === "jemalloc" ? `jemalloc (${allocator.library})` : "glibc (MALLOC_MMAP_THRESHOLD_=131072)";
}

/** Whether this very process runs on jemalloc (Linux: its library is mapped). */
export function runningOnJemalloc(maps: () => string): boolean {
  try {
    return /libjemalloc\.so/.test(maps());
  } catch {
    return false;
  }
}
