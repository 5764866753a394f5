/**
 * `drbdadm adjust` (U9 adm_adjust): compare the running kernel objects with the config and
 * issue only the calls needed — up a resource that is down, attach a missing disk, create
 * or connect a StandAlone connection, apply changed net/disk options live.
 */

import type { DiskOpts, PeerConf } from "../conf";
import type { Connection, Resource } from "../objects";
import { fail, OK } from "../ops-lifecycle";
import { checkpoint, steadyRateKiB } from "../resync";
import { replan } from "../sync";
import type { ResCtx } from "./drbdadm";
import { UP_STAGE } from "./dry-lines";
import type { Step } from "./steps";
import { diskArgs, netArgs } from "./steps";

type Build = (cmd: "up" | "attach" | "connect", c: ResCtx) => Step[];

export function adjustSteps(c: ResCtx, build: Build): Step[] {
  const { res, conf, name } = c;
  // a resource that is down is brought up; adjust resets peer-device options to the defaults first
  if (!res)
    return build("up", c).map((s) =>
      s.stage === UP_STAGE.peerDevice
        ? { ...s, line: s.line.replace(/^(\S+ \S+ \S+ \S+ \S+)/, "$1 --set-defaults") }
        : s,
    );
  const steps: Step[] = [];
  for (const p of conf.peers) {
    const cn = res.connections.get(p.host);
    if (!cn) continue;
    if (JSON.stringify(cn.net) !== JSON.stringify(p.net))
      steps.push(
        netOptionsStep(
          c,
          res,
          cn,
          p,
          `drbdsetup net-options ${name} ${p.nodeId} ${netArgs(c.resolved, p.host).replace(/^--_name=\S+ ?/, "")}`.trimEnd(),
        ),
      );
    const pathChanged =
      cn.path.peerAddress !== p.address ||
      cn.path.port !== p.port ||
      cn.path.localAddress !== conf.me.address ||
      cn.path.localPort !== conf.me.port;
    if (pathChanged) {
      steps.push({
        line: `drbdsetup del-path ${name} ${p.nodeId} ipv4:${cn.path.localAddress}:${cn.path.localPort} ipv4:${cn.path.peerAddress}:${cn.path.port}`,
        obj: name,
        run: () => {
          cn.path = { localAddress: conf.me.address, localPort: conf.me.port, peerAddress: p.address, port: p.port };
          return OK;
        },
      });
      steps.push({
        line: `drbdsetup new-path ${name} ${p.nodeId} ipv4:${conf.me.address}:${conf.me.port} ipv4:${p.address}:${p.port}`,
        obj: name,
        run: () => OK,
      });
    }
  }
  // resync rates and other disk/peer-device options apply at once
  if (JSON.stringify(res.conf.disk) !== JSON.stringify(conf.disk))
    for (const v of conf.me.volumes) steps.push({ line: diskOptionsLine(c, v), obj: String(v.minor), run: () => OK });
  steps.push(applyConfStep(c, res));
  const missingDisk = conf.me.volumes.some((v) => v.disk !== "none" && res.devices.get(v.vnr)?.disk === "Diskless");
  if (missingDisk)
    steps.push(
      ...build("attach", {
        ...c,
        vols: conf.me.volumes.filter((v) => res.devices.get(v.vnr)?.disk === "Diskless").map((v) => v.vnr),
      }),
    );
  const standalone = conf.peers.filter((p) => res.connections.get(p.host)?.cstate === "StandAlone").map((p) => p.host);
  if (standalone.length) steps.push(...build("connect", { ...c, peers: standalone }));
  return steps;
}

/** `drbdsetup net-options RES PEER …`: the connection takes the file's net options (and a connected peer learns them). */
export function netOptionsStep(c: ResCtx, res: Resource, cn: Connection, p: PeerConf, line: string): Step {
  const { k } = c;
  return {
    line,
    obj: c.name,
    run: () => {
      if (p.net.allowTwoPrimaries && p.net.protocol !== "C") return fail(139);
      cn.net = p.net;
      // P_PROTOCOL_UPDATE: a connected peer adopts protocol, after-sb policies and allow-two-primaries
      const peer = cn.cstate === "Connected" ? k.peerSide(res, cn) : null;
      if (peer) {
        const { protocol, afterSb0pri, afterSb1pri, afterSb2pri, allowTwoPrimaries } = p.net;
        peer.conn.net = { ...peer.conn.net, protocol, afterSb0pri, afterSb1pri, afterSb2pri, allowTwoPrimaries };
      }
      return OK;
    },
  };
}

/** `drbdsetup disk-options MINOR …` with the volume's disk options, as attach passes them. */
export function diskOptionsLine(c: ResCtx, v: { vnr: number; minor: number }): string {
  return `drbdsetup disk-options ${v.minor}${diskArgs(c.resolved, v.vnr)}`;
}

/** The disk-section options drbdadm passes to peer-device-options, not to attach/disk-options. */
const PEER_DEVICE_KEYS = ["resyncRate", "cPlanAhead", "cMaxRate", "cMinRate"] as const;

/**
 * The running resource takes the file's configuration (`only`: just the options one
 * disk-options or peer-device-options call carries); a running resync picks up the new rate at
 * once (the controller reads the options each step). An internal step: no line of its own.
 */
export function applyConfStep(c: ResCtx, res: Resource, only?: "disk" | "peer-device"): Step {
  const { k } = c;
  return {
    line: "",
    obj: c.name,
    run: () => {
      if (only) {
        const disk = { ...res.conf.disk };
        const pick = (key: keyof DiskOpts) => Object.assign(disk, { [key]: c.conf.disk[key] });
        for (const key of Object.keys(disk) as (keyof DiskOpts)[])
          if ((PEER_DEVICE_KEYS as readonly string[]).includes(key) === (only === "peer-device")) pick(key);
        res.conf = { ...res.conf, disk };
      } else res.conf = { ...c.conf, me: { ...c.conf.me } };
      const conf = res.conf;
      for (const cn of res.connections.values())
        for (const [vnr, pd] of cn.peerDevices) {
          const dev = res.devices.get(vnr);
          if (!pd.resync || !dev) continue;
          checkpoint(pd.resync, k.world.clock.now);
          pd.resync.rateBps = steadyRateKiB(conf.disk, k.world.net.path(res.node.name, cn.peerName).bandwidthBps) / 4;
          pd.resync.minRateBps = conf.disk.cMinRate > 0 ? conf.disk.cMinRate / 4 : 0;
          replan(k, { res, conn: cn, dev, pd });
        }
      return OK;
    },
  };
}
