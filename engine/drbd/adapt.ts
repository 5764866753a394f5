/**
 * From the parser's resolved resource (engine/drbd/config resolveResource) to what the kernel
 * is given by `drbdadm up`: options in base units (µs, KiB/s) per connection.
 */

import { DEFAULT_DISK, DEFAULT_NET, type NetOpts, type ResConf } from "./conf";
import type { NetSettings, ResolvedResource } from "./config";

function netOpts(s: NetSettings, alwaysAsbp: boolean): NetOpts {
  return {
    protocol: s.protocol,
    timeoutUs: s.timeoutDs * 100_000,
    connectIntUs: s.connectIntS * 1_000_000,
    pingIntUs: s.pingIntS * 1_000_000,
    pingTimeoutUs: s.pingTimeoutDs * 100_000,
    allowTwoPrimaries: s.allowTwoPrimaries,
    afterSb0pri: s.afterSb0pri,
    afterSb1pri: s.afterSb1pri,
    afterSb2pri: s.afterSb2pri,
    alwaysAsbp,
    rrConflict: s.rrConflict,
    verifyAlg: s.verifyAlg ?? null,
    csumsAlg: s.csumsAlg ?? null,
    fencing: s.fencing === "resource-only" || s.fencing === "resource-and-stonith" ? s.fencing : "dont-care",
    maxBuffers: s.maxBuffersPages,
    maxEpochSize: s.maxEpochSize,
    rcvbufBytes: s.rcvbufSizeBytes,
    sndbufBytes: s.sndbufSizeBytes,
  };
}

/** The annex B global_common.conf (`no-disk-flushes`) gives drain, as `status -s` shows. */
function writeOrdering(r: ResolvedResource): "flush" | "drain" | "none" {
  if (r.settings.diskFlushes) return "flush";
  const drain = r.disk["disk-drain"];
  return drain === undefined || drain === true || drain === "yes" ? "drain" : "none";
}

export function fromResolved(r: ResolvedResource): ResConf {
  const first = r.peers[0]?.settings;
  const always = (n: Record<string, unknown>) => n["always-asbp"] === true || n["always-asbp"] === "yes";
  const net = first ? netOpts(first, always(r.peers[0]?.net ?? {})) : { ...DEFAULT_NET };
  const quorum = r.settings.quorum;
  const vols = r.volumes.map((v) => ({
    vnr: v.vnr,
    minor: v.minor,
    device: v.device,
    disk: v.disk,
    metaDisk: v.metaDisk,
  }));
  return {
    name: r.name,
    me: {
      host: r.me.name,
      nodeId: r.me.nodeId,
      address: r.me.address?.addr ?? "",
      port: Number(r.me.address?.port ?? 7788),
      volumes: vols,
    },
    peers: r.peers.map((p) => ({
      host: p.name,
      nodeId: p.nodeId,
      address: p.address?.addr ?? "",
      port: Number(p.address?.port ?? p.myAddress?.port ?? 7788),
      volumes: vols,
      net: netOpts(p.settings, always(p.net)),
    })),
    net,
    disk: {
      ...DEFAULT_DISK,
      resyncRate: first?.resyncRateKiB ?? DEFAULT_DISK.resyncRate,
      cPlanAhead: first?.cPlanAheadDs ?? DEFAULT_DISK.cPlanAhead,
      cMaxRate: first?.cMaxRateKiB ?? DEFAULT_DISK.cMaxRate,
      cMinRate: first?.cMinRateKiB ?? DEFAULT_DISK.cMinRate,
      alExtents: r.settings.alExtents,
      onIoError: r.settings.onIoError,
      writeOrdering: writeOrdering(r),
      mdFlushes: r.settings.mdFlushes,
    },
    options: {
      autoPromote: r.settings.autoPromote,
      quorum: quorum === "off" || quorum === "majority" || quorum === "all" ? quorum : Number(quorum),
      onNoQuorum: r.settings.onNoQuorum === "io-error" ? "io-error" : "suspend-io",
      onNoDataAccessible: r.settings.onNoDataAccessible === "suspend-io" ? "suspend-io" : "io-error",
    },
    handlers: { ...r.handlers },
  };
}
