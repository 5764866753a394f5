/**
 * GNU dd (coreutils 9.1) over described data: /dev/urandom is a seeded PRNG stream, /dev/zero
 * a zero run, files on a mounted BlockFs and block devices are read and written as payloads,
 * so `dd if=/dev/urandom of=/mnt/drbd/data.bin bs=1M count=10` costs a descriptor, not 10 MiB.
 * Its duration is the simulated I/O time (device latency and bandwidth, plus the cost of
 * generating random bytes), and the lab clock advances by it.
 */

import { bytesPayload, literalBytes, materialize, payloadSlice, prngPayload, zeroPayload } from "../block/payload";
import { type BlockDevice, type Payload, payloadLength } from "../block/types";
import { fromBytes } from "../fs/encoding";
import { FsError, STRERROR } from "../fs/errors";
import { normalizePath } from "../fs/paths";
import { spendTime } from "../shell/commands/time";
import type { CommandContext, CommandSpec, ExecResult, LabNode } from "../world/types";
import { strerror } from "./errno";
import { ddHuman, gFormat } from "./human";
import { absPath } from "./registry";
import type { StorageSubsystem } from "./storage";

/** /dev/urandom throughput of a modern kernel (ChaCha20): ~400 MB/s. */
const URANDOM_BPS = 400_000_000;
/** Copying through memory (/dev/zero, page cache): ~4 GB/s. */
const MEMCPY_BPS = 4_000_000_000;
/** Writes to the container's overlay root are capped: the lab is not a place to fill disks in RAM. */
const ROOT_FS_CAP = 64 * 1024 * 1024;
/** Beyond this many records without count=, dd is treated as interrupted (no endless loops). */
const MAX_RECORDS = 1 << 20;
const MAX_BYTES = 2 ** 40;
/** What dd may print on its standard output (a shell string). */
const STDOUT_CAP = 16 * 1024 * 1024;
/** Buffered writes reach the device in writeback batches of this size. */
const WRITEBACK = 8 * 1024 * 1024;
/**
 * GNU dd's clock starts after the opens (dd.c start_time); its first record still costs page
 * faults and the buffer's allocation: a one-record copy into tmpfs takes 30–60 µs (measured with
 * coreutils 9.1: `1024 bytes … copied, 4.781e-05 s`), never the 1 µs of a pure memcpy.
 */
const START_US = 30;
/** One read(2) and one write(2) of a record: about 2 µs each pair (bs=1k count=1000: 3.3 ms). */
const RECORD_US = 2;

const MULT: Record<string, number> = {
  c: 1,
  w: 2,
  b: 512,
  kB: 1000,
  K: 1024,
  KiB: 1024,
  k: 1024,
  MB: 1e6,
  M: 1024 ** 2,
  MiB: 1024 ** 2,
  xM: 1024 ** 2,
  GB: 1e9,
  G: 1024 ** 3,
  GiB: 1024 ** 3,
  TB: 1e12,
  T: 1024 ** 4,
  TiB: 1024 ** 4,
};

export function parseDdNumber(s: string): number | null {
  const m = /^(\d+)([A-Za-z]*)$/.exec(s);
  if (!m) return null;
  const mult = m[2] ? MULT[m[2]] : 1;
  if (mult === undefined) return null;
  const v = Number(m[1]) * mult;
  return Number.isSafeInteger(v) ? v : null;
}

type Source =
  | { kind: "gen"; name: string; make: (off: number, len: number) => Payload; bps: number }
  | { kind: "payload"; name: string; size: number; read: (off: number, len: number) => Payload; close?: () => void };

type Sink =
  | {
      kind: "fs";
      name: string;
      /** `direct`: O_DIRECT/O_DSYNC, dd waits for the write before the next one. */
      write: (off: number, p: Payload, truncate: boolean, direct: boolean) => void;
      latency: () => number;
      flush: () => void;
      room: (off: number) => number;
    }
  | { kind: "dev"; name: string; dev: BlockDevice; close: () => void }
  | { kind: "root"; name: string; path: string }
  | { kind: "stdout"; name: string };

function result(stdout: string, stderr: string, exitCode: number): ExecResult {
  return { stdout, stderr, exitCode };
}

function stats(recIn: [number, number], recOut: [number, number], bytes: number, us: number): string {
  const secs = Math.max(us, 1) / 1e6;
  let line = `${recIn[0]}+${recIn[1]} records in\n${recOut[0]}+${recOut[1]} records out\n`;
  const si = ddHuman(bytes, 1000);
  const iec = ddHuman(bytes, 1024);
  const rate = `${ddHuman(bytes / secs, 1000)}/s`;
  if (bytes < 1000)
    line += `${bytes} byte${bytes === 1 ? "" : "s"} copied, ${gFormat(secs)} s, ${rate.replace(/^(\d+) B\/s$/, "$1 B/s")}\n`;
  else if (si === iec) line += `${bytes} bytes (${si}) copied, ${gFormat(secs)} s, ${rate}\n`;
  else line += `${bytes} bytes (${si}, ${iec}) copied, ${gFormat(secs)} s, ${rate}\n`;
  return line;
}

function errorText(e: unknown): string {
  return e instanceof FsError ? STRERROR[e.code] : "Input/output error";
}

export function ddCommand(storage: StorageSubsystem): CommandSpec {
  return { name: "dd", where: "both", run: (ctx) => runDd(storage, ctx) };
}

async function runDd(storage: StorageSubsystem, ctx: CommandContext): Promise<ExecResult> {
  const op: Record<string, string> = {};
  for (const a of ctx.args) {
    const eq = a.indexOf("=");
    if (eq <= 0) return result("", `dd: unrecognized operand '${a}'\nTry 'dd --help' for more information.\n`, 1);
    op[a.slice(0, eq)] = a.slice(eq + 1);
  }
  const known = new Set([
    "if",
    "of",
    "bs",
    "ibs",
    "obs",
    "count",
    "skip",
    "seek",
    "conv",
    "iflag",
    "oflag",
    "status",
    "iseek",
    "oseek",
  ]);
  for (const k of Object.keys(op))
    if (!known.has(k))
      return result("", `dd: unrecognized operand '${k}=${op[k]}'\nTry 'dd --help' for more information.\n`, 1);
  const num = (k: string, dflt: number): number | null => (op[k] === undefined ? dflt : parseDdNumber(op[k] as string));
  const bs = num("bs", 0);
  const ibs = bs || num("ibs", 512);
  const obs = bs || num("obs", 512);
  const count = op.count === undefined ? Number.POSITIVE_INFINITY : parseDdNumber(op.count);
  const skip = num("skip", 0) ?? num("iseek", 0);
  const seek = num("seek", 0) ?? num("oseek", 0);
  for (const k of ["bs", "ibs", "obs", "count", "skip", "seek"]) {
    if (op[k] !== undefined && parseDdNumber(op[k] as string) === null)
      return result("", `dd: invalid number: '${op[k]}'\n`, 1);
  }
  if (!ibs || !obs || count === null || skip === null || seek === null)
    return result("", "dd: invalid number: '0'\n", 1);
  const conv = (op.conv ?? "").split(",").filter(Boolean);
  const oflag = (op.oflag ?? "").split(",").filter(Boolean);
  const status = op.status ?? "";
  const direct = oflag.includes("direct") || oflag.includes("dsync") || oflag.includes("sync");
  const node = ctx.node;

  const src = await openSource(storage, ctx, node, op.if);
  if ("exitCode" in src) return src;
  const sink = await openSink(storage, ctx, node, op.of, conv.includes("notrunc"), seek * obs);
  if ("exitCode" in sink) {
    if (src.kind === "payload") src.close?.();
    return sink;
  }

  let us = START_US;
  /** Buffered writes to a block device: when the last one completes, µs from now. */
  let devDoneUs = 0;
  let written = 0;
  const recIn: [number, number] = [0, 0];
  let err = "";
  let inOff = skip * ibs;
  const outStart = seek * obs;
  let stdout = "";
  let first = true;
  const truncate = !conv.includes("notrunc");
  const pendingRoot: [number, Payload][] = [];
  let rootWritten = false;
  // The root filesystem keeps bytes in memory: the file may grow to ROOT_FS_CAP, and within
  // the lab's data cap (what it replaces is freed). A device write adds its literal bytes.
  const quota = storage.world.dataQuota;
  let rootLimit = ROOT_FS_CAP;
  if (sink.kind === "root" && quota) {
    let old = 0;
    try {
      const st = await ctx.fs.stat(sink.path);
      if (st.isFile) old = st.size;
    } catch {
      // a new file
    }
    rootLimit = Math.min(ROOT_FS_CAP, old + quota.room());
  }
  let interrupted = false;
  /** Exit status when dd was killed while blocked on frozen I/O (143 SIGTERM, 130 SIGINT). */
  let killed: number | null = null;
  let readError = "";

  /** Write at the current output offset; on failure, whatever fitted counts and the error is rethrown. */
  const writeOut = (p: Payload): void => {
    const off = outStart + written;
    const len = payloadLength(p);
    if (sink.kind === "fs") {
      try {
        sink.write(off, p, first && truncate, direct);
      } catch (e) {
        if (e instanceof FsError && e.code === "ENOSPC" && len > 4096) {
          // Short write: fill what is left, then fail like write(2) does on the next call.
          const fit = sink.room(off);
          if (fit > 0 && fit < len) {
            sink.write(off, payloadSlice(p, 0, fit), first && truncate, direct);
            written += fit;
          }
        }
        throw e;
      }
    } else if (sink.kind === "dev") {
      const fit = Math.min(len, Math.max(0, sink.dev.size() - off));
      if (quota && !quota.fits(literalBytes(p))) throw new FsError("ENOSPC", "write", sink.name);
      if (fit > 0) {
        // submitted where dd is (it waited for its earlier O_DIRECT writes, generated its data)
        const at = storage.world.clock.now + us;
        const r = sink.dev.write(off, fit === len ? p : payloadSlice(p, 0, fit), { atUs: at });
        if (!r.ok) throw new FsError(r.errno === "ENOSPC" ? "ENOSPC" : "EIO", "write", sink.name);
        // O_DIRECT: one request in flight, dd waits for it; buffered: the page cache takes the
        // data and writeback overlaps the requests (the last close syncs the block device)
        if (direct) us += r.latencyUs;
        else devDoneUs = Math.max(devDoneUs, at + r.latencyUs - storage.world.clock.now);
        written += fit;
      }
      if (fit < len) throw new FsError("ENOSPC", "write", sink.name);
      first = false;
      return;
    } else if (sink.kind === "root") {
      if (off + len > rootLimit) {
        // the data cap: a short write of what fits, then ENOSPC as write(2) on a full disk
        const fit = rootLimit < ROOT_FS_CAP ? Math.max(0, rootLimit - off) : 0;
        if (fit > 0) {
          pendingRoot.push([off, payloadSlice(p, 0, fit)]);
          written += fit;
        }
        throw new FsError("ENOSPC", "write", sink.name);
      }
      pendingRoot.push([off, p]);
    } else {
      if (stdout.length + len > STDOUT_CAP) throw new FsError("ENOSPC", "write", sink.name);
      stdout += fromBytes(materialize(p), "binary");
    }
    written += len;
    first = false;
  };

  let batch: Payload[] = [];
  let batchBytes = 0;
  const flushBatch = (): void => {
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    batchBytes = 0;
    try {
      writeOut(records.flat());
    } catch (e) {
      // Redo record by record to stop exactly where the filesystem filled up.
      if (!(e instanceof FsError && e.code === "ENOSPC")) throw e;
      for (const r of records) writeOut(r);
    }
  };

  try {
    for (let rec = 0; rec < count; rec++) {
      // An endless copy (no count=, endless source and sink) stops as if the learner pressed Ctrl-C.
      if (ctx.interrupted() || rec >= MAX_RECORDS || inOff - skip * ibs >= MAX_BYTES) {
        interrupted = true;
        break;
      }
      let chunk: Payload;
      if (src.kind === "gen") {
        chunk = src.make(inOff, ibs);
        us += Math.round((ibs * 1e6) / src.bps);
      } else {
        const avail = Math.max(0, src.size - inOff);
        if (avail === 0) break;
        try {
          chunk = src.read(inOff, Math.min(ibs, avail));
        } catch (e) {
          readError = `dd: error reading '${src.name}': ${errorText(e)}\n`;
          break;
        }
        us += Math.round((payloadLength(chunk) * 1e6) / MEMCPY_BPS);
      }
      const len = payloadLength(chunk);
      if (len === 0) break;
      us += RECORD_US;
      inOff += len;
      if (len === ibs) recIn[0]++;
      else recIn[1]++;
      if (sink.kind === "dev" && sink.dev.ioFrozen?.()) {
        // the write blocks in the kernel (DRBD suspend-io) until the I/O resumes: dd is where it is
        storage.world.clock.advanceBy(us);
        devDoneUs = Math.max(0, devDoneUs - us);
        us = 0;
        const dev = sink.dev;
        killed = await spendTime(ctx, Number.POSITIVE_INFINITY, () => !dev.ioFrozen?.());
        if (killed !== null) break;
      }
      if (direct || sink.kind !== "fs") {
        writeOut(chunk);
      } else {
        // Buffered writes reach the disk in writeback batches.
        batch.push(chunk);
        batchBytes += len;
        if (batchBytes >= WRITEBACK) flushBatch();
      }
      if (
        src.kind === "gen" &&
        count === Number.POSITIVE_INFINITY &&
        sink.kind === "root" &&
        outStart + written >= rootLimit
      )
        writeOut(src.make(inOff, 1));
    }
    flushBatch();
    if (sink.kind === "root" && (pendingRoot.length > 0 || truncate)) {
      rootWritten = true;
      await writeRoot(ctx, sink.path, outStart, pendingRoot, truncate);
    }
    if (conv.includes("fsync") || conv.includes("fdatasync") || direct) {
      if (sink.kind === "fs") {
        sink.flush();
      } else if (sink.kind === "dev") {
        us = Math.max(us, devDoneUs);
        const r = sink.dev.flush({ atUs: storage.world.clock.now + us });
        if (r.ok) us += r.latencyUs;
      }
    }
  } catch (e) {
    err = `dd: error writing '${sink.name}': ${errorText(e)}\n`;
    // what was written before the disk filled up stays in the file
    if (sink.kind === "root" && !rootWritten && pendingRoot.length > 0)
      await writeRoot(ctx, sink.path, outStart, pendingRoot, truncate).catch(() => undefined);
  } finally {
    if (src.kind === "payload") src.close?.();
    if (sink.kind === "dev") sink.close();
  }
  // The copy ends when the filesystem's queued writes (dd's and any backlog) are done; the
  // last close of a block device syncs it (blkdev_put), before dd prints its statistics.
  if (sink.kind === "fs") us += sink.latency();
  if (sink.kind === "dev") us = Math.max(us, devDoneUs);
  us = Math.max(us, 1);
  storage.world.clock.advanceBy(us);
  // SIGTERM (timeout) kills dd without a word; SIGINT makes it print its statistics first
  if (killed === 143) return result(stdout, "", 143);
  const recOut: [number, number] = [Math.floor(written / obs), written % obs ? 1 : 0];
  const report =
    status === "none"
      ? ""
      : status === "noxfer"
        ? `${recIn[0]}+${recIn[1]} records in\n${recOut[0]}+${recOut[1]} records out\n`
        : stats(recIn, recOut, written, us);
  err = readError + err;
  return result(stdout, err + report, err ? 1 : interrupted || killed !== null ? 130 : 0);
}

async function writeRoot(
  ctx: CommandContext,
  path: string,
  start: number,
  parts: [number, Payload][],
  truncate: boolean,
): Promise<void> {
  let base: Uint8Array = new Uint8Array(0);
  try {
    base = await ctx.fs.readFileBuffer(path);
  } catch {
    // new file
  }
  let end = truncate ? start : base.length;
  for (const [off, p] of parts) end = Math.max(end, off + payloadLength(p));
  const out = new Uint8Array(end);
  out.set(base.subarray(0, Math.min(base.length, end)));
  for (const [off, p] of parts) out.set(materialize(p), off);
  await ctx.fs.writeFile(path, out);
}

async function openSource(
  storage: StorageSubsystem,
  ctx: CommandContext,
  node: LabNode | null,
  name: string | undefined,
): Promise<Source | ExecResult> {
  if (name === undefined) {
    const data = new TextEncoder().encode(ctx.stdin);
    return {
      kind: "payload",
      name: "standard input",
      size: data.length,
      read: (o, l) => bytesPayload(data.subarray(o, o + l)),
    };
  }
  const path = normalizePath(absPath(ctx.cwd, name));
  if (path === "/dev/urandom" || path === "/dev/random") {
    // One seed per dd run: the whole output is a single contiguous PRNG stream.
    const seed = storage.rng("urandom").nextU32();
    return { kind: "gen", name, make: (off, len) => prngPayload(seed, off, len), bps: URANDOM_BPS };
  }
  if (path === "/dev/zero") return { kind: "gen", name, make: (_o, len) => zeroPayload(len), bps: MEMCPY_BPS };
  const dev = node ? storage.device(node, path) : undefined;
  if (dev) {
    const opener = `dd:${ctx.args.join(" ")}`;
    const o = dev.open("ro", opener);
    if (!o.ok) return result("", `dd: failed to open '${name}': ${strerror(o.errno)}\n`, 1);
    return {
      kind: "payload",
      name,
      size: dev.size(),
      read: (off, len) => {
        const r = dev.read(off, len);
        if (!r.ok) throw new FsError("EIO", "read", name);
        return r.value;
      },
      close: () => dev.close(opener),
    };
  }
  const loc = node ? storage.mounts.locate(node, path) : null;
  try {
    if (loc) {
      const st = await loc.m.fs.stat(loc.rel);
      if (st.isDirectory)
        return result(
          "",
          `dd: error reading '${name}': Is a directory\n0+0 records in\n0+0 records out\n0 bytes copied, 1e-06 s, 0 B/s\n`,
          1,
        );
      return { kind: "payload", name, size: st.size, read: (o, l) => loc.m.fs.readPayload(loc.rel, o, l) };
    }
    const data = await ctx.fs.readFileBuffer(path);
    return { kind: "payload", name, size: data.length, read: (o, l) => bytesPayload(data.subarray(o, o + l)) };
  } catch (e) {
    return result(
      "",
      `dd: failed to open '${name}': ${e instanceof FsError ? STRERROR[e.code] : "No such file or directory"}\n`,
      1,
    );
  }
}

async function openSink(
  storage: StorageSubsystem,
  ctx: CommandContext,
  node: LabNode | null,
  name: string | undefined,
  notrunc: boolean,
  seekBytes: number,
): Promise<Sink | ExecResult> {
  if (name === undefined) return { kind: "stdout", name: "standard output" };
  const path = normalizePath(absPath(ctx.cwd, name));
  if (path === "/dev/null")
    return {
      kind: "fs",
      name,
      write: () => {},
      latency: () => 0,
      flush: () => {},
      room: () => Number.MAX_SAFE_INTEGER,
    };
  const dev = node ? storage.device(node, path) : undefined;
  if (dev) {
    const opener = `dd:${ctx.args.join(" ")}`;
    const o = dev.open("rw", opener);
    if (!o.ok) return result("", `dd: failed to open '${name}': ${strerror(o.errno)}\n`, 1);
    return { kind: "dev", name, dev, close: () => dev.close(opener) };
  }
  const loc = node ? storage.mounts.locate(node, path) : null;
  if (loc) {
    const fs = loc.m.fs;
    try {
      if (fs.readOnly) throw new FsError("EROFS", "open", loc.rel);
      const exists = await fs.exists(loc.rel);
      if (exists && (await fs.stat(loc.rel)).isDirectory) throw new FsError("EISDIR", "open", loc.rel);
      // O_CREAT, then ftruncate(seek * obs) unless conv=notrunc, as GNU dd does.
      if (!exists || !notrunc) fs.writePayload(loc.rel, notrunc ? 0 : seekBytes, [], { truncate: !notrunc });
    } catch (e) {
      return result(
        "",
        `dd: failed to open '${name}': ${e instanceof FsError ? STRERROR[e.code] : "Input/output error"}\n`,
        1,
      );
    }
    return {
      kind: "fs",
      name,
      write: (off, p, trunc, direct) => fs.writePayload(loc.rel, off, p, { truncate: trunc, direct }),
      latency: () => fs.consumeLatencyUs(),
      flush: () => fs.sync(),
      // Bytes that still fit at `off`: free blocks plus the unused tail of the file's last block.
      room: (off) => Math.max(0, fs.statfs().free * 4096 + (Math.ceil(off / 4096) * 4096 - off)),
    };
  }
  const parent = path.slice(0, path.lastIndexOf("/")) || "/";
  if (!(await ctx.fs.exists(parent))) return result("", `dd: failed to open '${name}': No such file or directory\n`, 1);
  return { kind: "root", name, path };
}
