/**
 * Online verify (K9 drbd_sender.c w_e_end_ov_req / drbd_ov_out_of_sync_found): VerifyS on the
 * node that asked, VerifyT on the peer; it runs at the resync rate over the whole device,
 * compares the blocks and only *marks* differing 4 KiB blocks out of sync (no repair).
 */
import { sameContent } from "../block/digest";
import { rebindable } from "../core/rebind";
import { runHandler } from "./handlers";
import type { DrbdKernel } from "./kernel";
import { peerMd } from "./metadata";
import { averageKiBps, completionUs, type ResyncRun, startRun } from "./resync";
import type { Side } from "./sync";

const CMP_CHUNK = 4 * 1024 * 1024;

function diffBlocks(a: Side, b: Side): [number, number][] {
  const out: [number, number][] = [];
  const da = a.dev.backing;
  const db = b.dev.backing;
  const size = Math.min(a.dev.md?.dataSize ?? 0, b.dev.md?.dataSize ?? 0);
  if (!da || !db) return out;
  for (let off = 0; off < size; off += CMP_CHUNK) {
    const len = Math.min(CMP_CHUNK, size - off);
    if (sameContent(da, off, db, off, len)) continue;
    for (let blk = off; blk < off + len; blk += 4096)
      if (!sameContent(da, blk, db, blk, 4096)) out.push([blk / 4096, blk / 4096 + 1]);
  }
  return out;
}

export function verifyRun(k: DrbdKernel, me: Side, peer: Side): void {
  const bits = Math.ceil((me.dev.md?.dataSize ?? 0) / 4096);
  const now = k.world.clock.now;
  const run = startRun(
    "verify",
    bits,
    now,
    me.res.conf.disk,
    k.world.net.path(me.res.node.name, peer.res.node.name).bandwidthBps,
    false,
  );
  me.pd.resync = run;
  peer.pd.resync = run;
  k.change(
    me.res,
    () => {
      me.pd.repl = "VerifyS";
    },
    { tag: "verify" },
  );
  k.change(
    peer.res,
    () => {
      peer.pd.repl = "VerifyT";
    },
    { tag: "verify" },
  );
  k.logPd(me.res, me.dev, me.conn, `Online Verify start sector: 0`);
  const at = completionUs(run, now) ?? now;
  run.timer = k.world.clock.scheduleAt(at, `drbd verify ${me.res.name}`, onVerifyDone(k, me, peer, run, me.conn.epoch));
}

/** The end of an online verify (a closure a checkpoint can carry: core/rebind.ts). */
const onVerifyDone = rebindable(
  "drbd.verifyDone",
  (k: DrbdKernel, me: Side, peer: Side, run: ResyncRun, epochA: number) => () => {
    if (!k.alive(me.res) || !k.alive(peer.res) || me.conn.epoch !== epochA || me.pd.resync !== run) return;
    const diffs = diffBlocks(me, peer);
    let n = 0;
    for (const [s, e] of diffs) {
      n += e - s;
      if (me.dev.md) peerMd(me.dev.md, peer.res.nodeId).bitmap.setRange(s, e);
      if (peer.dev.md) peerMd(peer.dev.md, me.res.nodeId).bitmap.setRange(s, e);
    }
    const secs = Math.round((k.world.clock.now - run.startUs) / 1e6);
    const speed = averageKiBps(run, k.world.clock.now);
    me.pd.resync = null;
    peer.pd.resync = null;
    for (const s of [me, peer]) {
      k.logPd(s.res, s.dev, s.conn, `Online verify done (total ${secs} sec; paused 0 sec; ${speed} K/sec)`);
      if (n > 0) k.logPd(s.res, s.dev, s.conn, `Online verify found ${n} 4k blocks out of sync!`);
      k.change(
        s.res,
        () => {
          s.pd.repl = "Established";
        },
        { tag: "verify-finished" },
      );
    }
    if (n > 0) runHandler(k, me.res, "out-of-sync", me.dev, me.conn);
  },
);
