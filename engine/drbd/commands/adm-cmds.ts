/**
 * drbdadm's commands as a table, one line per command, after drbd-utils' adm_cmd list
 * (user/v9/drbdadm_main.c `struct adm_cmd *cmds[]`): its name, where `drbdadm help` lists it
 * (show_in_usage), whether its calls are scheduled by stage across resources (up, adjust), the
 * simulated kernel work, and the drbdsetup/drbdmeta calls it makes for one resource.
 */
import { wallClockMs } from "../../core/time";
import type { CommandContext } from "../../world/types";
import type { Resource } from "../objects";
import {
  invalidate,
  invalidateRemote,
  newCurrentUuid,
  outdate,
  pauseSync,
  primary,
  secondary,
  verify,
} from "../ops-admin";
import { attach, connect, detach, disconnect, down, fail, newMinor, newPeer, newResource, OK } from "../ops-lifecycle";
import { dstateLines, resourceStatus, roleLine } from "../status";
import { statusJson } from "../status-json";
import { adjustSteps, applyConfStep, diskOptionsLine, netOptionsStep } from "./adjust";
import type { ResCtx } from "./drbdadm";
import { extraPathLines, newPathLine, newPeerLine, newResourceLine, peerDeviceLines, UP_STAGE } from "./dry-lines";
import { dumpMd, wipeMd } from "./md-dump";
import {
  applyAl,
  createMd,
  giLine,
  metaLine,
  offlineDstate,
  offlineInvalidate,
  offlineOutdate,
  repairMd,
  showGi,
} from "./meta-cmds";
import { diskArgs, netArgs, raw, type Step } from "./steps";
import { drbdsetupWait, waitLine } from "./wait-cmds";

export interface AdmCmd {
  name: string;
  /** drbdadm_main.c show_in_usage: 1 = listed by `drbdadm help`, 4 = advanced (hidden-commands). */
  usage: 1 | 4;
  /** The calls drbdadm makes for one resource. */
  steps: (c: ResCtx) => Step[];
  /** Scheduled like schedule_deferred_cmd(): all resources' calls run stage by stage (up, adjust). */
  staged?: boolean;
  /** Simulated duration of the kernel work behind the command, per resource (µs); 20 ms if unset. */
  us?: number;
}

const minorOf = (c: ResCtx) => String(c.conf.me.volumes[0]?.minor ?? 0);

/** A command on a resource that is not up: drbdsetup's "Unknown resource" (or the minor's 127). */
function notUp(c: ResCtx, device = false): Step[] {
  return [
    { line: `drbdsetup ${c.name}`, obj: device ? minorOf(c) : c.name, run: () => (device ? fail(127) : fail(158)) },
  ];
}

const volsOf = (c: ResCtx) => c.conf.me.volumes.filter((v) => c.vols.includes(v.vnr));
const peersOf = (c: ResCtx) => c.conf.peers.filter((p) => c.peers.includes(p.host));
const nodeOf = (c: ResCtx) => c.ctx.node as NonNullable<CommandContext["node"]>;
/** Run on the live resource, or "Unknown resource" (158) when it is down. */
const onRes =
  (c: ResCtx, fn: (r: Resource) => ReturnType<Step["run"]>): Step["run"] =>
  () =>
    c.res && c.k.alive(c.res) ? fn(c.res) : fail(158);

function upSteps(c: ResCtx): Step[] {
  // drbdadm schedules up's calls by stage (dry-lines.ts UP_STAGE); runUp sorts all resources' steps
  const { k, name, conf } = c;
  const node = nodeOf(c);
  const st = UP_STAGE;
  const rp = (host: string) => c.resolved.peers.find((x) => x.name === host);
  const s: Step[] = [
    {
      line: newResourceLine(c.resolved),
      obj: name,
      stage: st.newResource,
      run: () => {
        newResource(k, node, conf);
        return OK;
      },
    },
  ];
  for (const v of volsOf(c))
    s.push({
      // adm_new_minor(): a volume without a disk is created --diskless
      line: `drbdsetup new-minor ${name} ${v.minor} ${v.vnr}${v.disk === "none" ? " --diskless" : ""}`,
      obj: name,
      stage: st.newMinor,
      run: () => newMinor(k, k.resource(node, name) as Resource, v.vnr),
    });
  for (const p of peersOf(c)) {
    const r = rp(p.host);
    s.push({
      line: r ? newPeerLine(c.resolved, r) : `drbdsetup new-peer ${name} ${p.nodeId} ${netArgs(c.resolved, p.host)}`,
      obj: name,
      stage: st.newPeer,
      run: () => newPeer(k, k.resource(node, name) as Resource, p.host),
    });
    s.push({
      line: r
        ? newPathLine(c.resolved, r)
        : `drbdsetup new-path ${name} ${p.nodeId} ipv4:${conf.me.address}:${conf.me.port} ipv4:${p.address}:${p.port}`,
      obj: name,
      stage: st.newPath,
      run: () => OK,
    });
    for (const line of r ? extraPathLines(c.resolved, r) : [])
      s.push({ line, obj: name, stage: st.newPath, run: () => OK });
    for (const line of r ? peerDeviceLines(c.resolved, r) : [])
      s.push({ line, obj: name, stage: st.peerDevice, run: () => OK });
  }
  for (const step of attachSteps(c)) s.push({ ...step, stage: st.attach });
  for (const p of peersOf(c))
    s.push({
      line: `drbdsetup connect ${name} ${p.nodeId}`,
      obj: name,
      stage: st.connect,
      run: () => connectPeer(c, p.host, false),
    });
  return s.sort((a, b) => (a.stage ?? 0) - (b.stage ?? 0));
}

/**
 * adm_attach: drbdmeta repair-md (drbd-utils ≥ 9.24: fixes day-0 UUIDs, may move internal
 * meta-data after a resize), apply-al, then drbdsetup attach with the disk options.
 */
function attachSteps(c: ResCtx): Step[] {
  const node = nodeOf(c);
  return volsOf(c)
    .filter((v) => v.disk !== "none")
    .flatMap((v) => [
      {
        line: metaLine(v.minor, v.disk, "repair-md"),
        obj: String(v.minor),
        run: () => repairMd(c.k, node, v.minor, v.disk),
      },
      {
        line: metaLine(v.minor, v.disk, "apply-al"),
        obj: String(v.minor),
        run: () => applyAl(c.k, node, v.minor, v.disk),
      },
      {
        line: `drbdsetup attach ${v.minor} ${v.disk} ${v.disk} internal${diskArgs(c.resolved, v.vnr)}`,
        obj: String(v.minor),
        run: () => attachVol(c, v.vnr),
      },
    ]);
}

/** invalidate-remote, verify, pause-sync, resume-sync: per volume, then per connection (call_cmd). */
function peerDeviceSteps(cmd: "invalidate-remote" | "verify" | "pause-sync" | "resume-sync") {
  return (c: ResCtx): Step[] => {
    // a dry run prints the calls drbdadm would make, whether the resource is up or not
    if (!c.res && !c.o.dryRun) return notUp(c);
    return volsOf(c).flatMap((v) =>
      peersOf(c).map((p) => ({
        line: `drbdsetup ${cmd} ${c.name} ${p.nodeId} ${v.vnr}`,
        obj: c.name,
        run: onRes(c, (r) => {
          const cn = r.connections.get(p.host);
          const d = r.devices.get(v.vnr);
          if (!cn || !d) return fail(158);
          if (cmd === "invalidate-remote") return invalidateRemote(c.k, r, cn, d);
          if (cmd === "verify") return verify(c.k, r, cn, d);
          return pauseSync(c.k, r, cn, d, cmd === "pause-sync");
        }),
      })),
    );
  };
}

/** drbdmeta calls on each volume's backing disk (dump-md, apply-al, repair-md, wipe-md). */
function metaSteps(cmd: string, run: (c: ResCtx, minor: number, disk: string) => ReturnType<Step["run"]>) {
  return (c: ResCtx): Step[] =>
    volsOf(c)
      .filter((v) => v.disk !== "none")
      .map((v) => ({
        // forceable_ctx (dump-md, wipe-md, apply-al) passes --force on; repair_md_ctx does not
        line: `${metaLine(v.minor, v.disk, cmd)}${c.o.force && cmd !== "repair-md" ? " --force" : ""}`,
        obj: String(v.minor),
        run: () => run(c, v.minor, v.disk),
      }));
}

/**
 * drbd_nl.c drbd_adm_resize (derived from code): needs an attached disk (138) and no resync in
 * progress (130); the lab's backing disks never grow, so DRBD keeps its size and logs nothing.
 * drbdadm then runs `drbdsetup check-resize` to record the backing device's size.
 */
function resizeSteps(c: ResCtx): Step[] {
  return volsOf(c).flatMap((v) => [
    {
      line: `drbdsetup resize ${v.minor}`,
      obj: String(v.minor),
      run: () => {
        const d = c.res?.devices.get(v.vnr);
        // drbd_adm_prepare: DRBD_ADM_NEED_MINOR without a device
        if (!c.res || !d) return fail(127, ["unknown minor"]);
        if (d.disk === "Diskless") return fail(138);
        for (const cn of c.res.connections.values())
          if (!["Off", "Established"].includes(cn.peerDevices.get(v.vnr)?.repl ?? "Off")) return fail(130);
        return OK;
      },
    },
    { line: `drbdsetup check-resize ${v.minor}`, obj: String(v.minor), run: () => OK },
  ]);
}

/** The table, in drbdadm_main.c's order. */
export const ADM_CMDS: readonly AdmCmd[] = [
  { name: "attach", usage: 1, us: 40_000, steps: attachSteps },
  {
    name: "disk-options",
    usage: 1,
    steps: (c) =>
      c.res
        ? [
            ...volsOf(c).map((v) => ({ line: diskOptionsLine(c, v), obj: String(v.minor), run: () => OK })),
            applyConfStep(c, c.res, "disk"),
          ]
        : notUp(c, true),
  },
  {
    name: "detach",
    usage: 1,
    steps: (c) =>
      volsOf(c).map((v) => ({
        line: `drbdsetup detach ${v.minor}`,
        obj: String(v.minor),
        run: () => {
          const d = c.res?.devices.get(v.vnr);
          return d && c.res ? detach(c.k, c.res, d) : fail(127);
        },
      })),
  },
  {
    name: "connect",
    usage: 1,
    steps: (c) =>
      peersOf(c).map((p) => ({
        line: `drbdsetup connect ${c.name} ${p.nodeId}${c.o.discard ? " --discard-my-data" : ""}`,
        obj: c.name,
        run: () => connectPeer(c, p.host, c.o.discard),
      })),
  },
  {
    name: "net-options",
    usage: 1,
    steps: (c) => {
      const res = c.res;
      if (!res) return notUp(c);
      return peersOf(c).flatMap((p) => {
        const r = c.resolved.peers.find((x) => x.name === p.host);
        const cn = res.connections.get(p.host);
        if (!r || !cn) return [];
        return [netOptionsStep(c, res, cn, p, newPeerLine(c.resolved, r).replace(" new-peer ", " net-options "))];
      });
    },
  },
  {
    name: "disconnect",
    usage: 1,
    steps: (c) =>
      peersOf(c).map((p) => ({
        line: `drbdsetup disconnect ${c.name} ${p.nodeId}`,
        obj: c.name,
        run: onRes(c, (r) => {
          const cn = r.connections.get(p.host);
          return cn ? disconnect(c.k, r, cn) : OK;
        }),
      })),
  },
  { name: "up", usage: 1, staged: true, us: 100_000, steps: upSteps },
  {
    // adm_resource without --set-defaults passes no option of the file (only command-line ones)
    name: "resource-options",
    usage: 1,
    steps: (c) => (c.res ? [{ line: `drbdsetup resource-options ${c.name}`, obj: c.name, run: () => OK }] : notUp(c)),
  },
  {
    name: "peer-device-options",
    usage: 1,
    steps: (c) => {
      const res = c.res;
      if (!res) return notUp(c);
      const lines = peersOf(c).flatMap((p) => {
        const r = c.resolved.peers.find((x) => x.name === p.host);
        return r ? peerDeviceLines(c.resolved, r) : [];
      });
      return [...lines.map((line) => ({ line, obj: c.name, run: () => OK })), applyConfStep(c, res, "peer-device")];
    },
  },
  {
    name: "down",
    usage: 1,
    us: 60_000,
    steps: (c) => [
      { line: `drbdsetup down ${c.name}`, obj: c.name, run: () => (c.res && c.k.alive(c.res) ? down(c.k, c.res) : OK) },
    ],
  },
  {
    name: "primary",
    usage: 1,
    steps: (c) => [
      {
        line: `drbdsetup primary ${c.name}${c.o.force ? " --force" : ""}`,
        obj: c.name,
        run: onRes(c, (r) => primary(c.k, r, c.o.force)),
      },
    ],
  },
  {
    name: "secondary",
    usage: 1,
    steps: (c) => [
      {
        line: `drbdsetup secondary ${c.name}${c.o.force ? " --force" : ""}`,
        obj: c.name,
        run: onRes(c, (r) => secondary(c.k, r, c.o.force)),
      },
    ],
  },
  {
    name: "invalidate",
    usage: 1,
    steps: (c) =>
      volsOf(c).map((v) => ({
        line: c.res ? `drbdsetup invalidate ${v.minor}` : metaLine(v.minor, v.disk, "invalidate"),
        obj: String(v.minor),
        run: () => {
          const d = c.res?.devices.get(v.vnr);
          return c.res && d ? invalidate(c.k, c.res, d) : offlineInvalidate(c.k, nodeOf(c), v.minor, v.disk);
        },
      })),
  },
  { name: "invalidate-remote", usage: 1, steps: peerDeviceSteps("invalidate-remote") },
  {
    name: "outdate",
    usage: 1,
    steps: (c) =>
      volsOf(c).map((v) => ({
        line: c.res ? `drbdsetup outdate ${v.minor}` : metaLine(v.minor, v.disk, "outdate"),
        obj: String(v.minor),
        run: () => outdateVol(c, v.vnr, v.minor, v.disk),
      })),
  },
  { name: "resize", usage: 1, steps: resizeSteps },
  { name: "verify", usage: 1, steps: peerDeviceSteps("verify") },
  { name: "pause-sync", usage: 1, steps: peerDeviceSteps("pause-sync") },
  { name: "resume-sync", usage: 1, steps: peerDeviceSteps("resume-sync") },
  { name: "adjust", usage: 1, staged: true, us: 60_000, steps: (c) => adjustSteps(c, (cmd, cc) => stepsOf(cmd, cc)) },
  { name: "wait-connect", usage: 1, steps: waitSteps("wait-connect") },
  // wait-con-int takes no resource: answered for all of them in drbdadm.ts (waitConInt)
  { name: "wait-con-int", usage: 1, steps: () => [] },
  { name: "wait-sync", usage: 1, steps: waitSteps("wait-sync") },
  {
    name: "role",
    usage: 1,
    steps: (c) => [
      {
        line: `drbdsetup role ${c.name}`,
        obj: c.name,
        run: () => {
          if (!c.res) return raw(10, "", `${c.name}: Unknown resource\n`);
          const only = c.peers.length === 1 && c.peers[0] !== undefined && c.peersExplicit ? c.peers[0] : undefined;
          return raw(0, `${roleLine(c.res, only ? c.res.connections.get(only) : undefined)}\n`);
        },
      },
    ],
  },
  {
    name: "cstate",
    usage: 1,
    steps: (c) =>
      peersOf(c).map((p) => ({
        line: `drbdsetup cstate ${c.name} ${p.nodeId}`,
        obj: c.name,
        run: () => {
          const cn = c.res?.connections.get(p.host);
          return cn ? raw(0, `${cn.cstate}\n`) : raw(10, "", `${c.name}: No such connection\n`);
        },
      })),
  },
  {
    name: "dstate",
    usage: 1,
    steps: (c) =>
      volsOf(c).map((v) => ({
        line: c.res ? `drbdsetup dstate ${v.minor}` : metaLine(v.minor, v.disk, "dstate"),
        obj: String(v.minor),
        run: () => {
          const res = c.res;
          return res
            ? raw(0, `${dstateLines(res)[[...res.devices.keys()].indexOf(v.vnr)] ?? ""}\n`)
            : offlineDstate(c.k, nodeOf(c), v.disk);
        },
      })),
  },
  {
    name: "status",
    usage: 1,
    steps: (c) => [
      {
        line: `drbdsetup status ${c.name}${c.o.verbose ? " --verbose" : ""}${c.o.statistics ? " --statistics" : ""}${c.o.json ? " --json" : ""}`,
        obj: c.name,
        run: () => {
          if (!c.res || !c.k.alive(c.res)) return raw(10, "", `${c.name}: No such resource\n`);
          return raw(0, c.o.json ? statusJson(c.k, [c.res]) : resourceStatus(c.k, c.res, c.o));
        },
      },
    ],
  },
  // dump is answered from the parsed configuration (drbdadm.ts), never by a call
  { name: "dump", usage: 1, steps: () => [] },
  {
    name: "create-md",
    usage: 1,
    us: 50_000,
    steps: (c) => {
      const peers = Math.max(1, c.conf.peers.length);
      return volsOf(c).map((v) => ({
        line: `${metaLine(v.minor, v.disk, "create-md")} ${peers}`,
        obj: String(v.minor),
        run: () => createMd(c.k, nodeOf(c), v.minor, v.disk, peers, c.o.force, c.ctx.stdin),
      }));
    },
  },
  { name: "show-gi", usage: 1, steps: giSteps("show-gi") },
  { name: "get-gi", usage: 1, steps: giSteps("get-gi") },
  {
    // adm_drbdmeta with forceable_ctx: drbdadm appends --force after the command
    name: "dump-md",
    usage: 1,
    steps: metaSteps("dump-md", (c, m, d) =>
      dumpMd(c.k, nodeOf(c), m, d, {
        argv: ["drbdmeta", ...(c.o.force ? ["--force"] : []), String(m), "v09", d, "internal", "dump-md"],
        hostname: nodeOf(c).name,
        wallMs: wallClockMs(c.k.world.clock.now),
        force: c.o.force,
      }),
    ),
  },
  {
    name: "wipe-md",
    usage: 1,
    steps: metaSteps("wipe-md", (c, m, d) => wipeMd(c.k, nodeOf(c), m, String(m), d, c.o.force, c.ctx.stdin)),
  },
  { name: "apply-al", usage: 1, steps: metaSteps("apply-al", (c, m, d) => applyAl(c.k, nodeOf(c), m, d)) },
  { name: "repair-md", usage: 4, steps: metaSteps("repair-md", (c, m, d) => repairMd(c.k, nodeOf(c), m, d)) },
  {
    name: "new-current-uuid",
    usage: 4,
    steps: (c) =>
      volsOf(c).map((v) => ({
        line: `drbdsetup new-current-uuid ${v.minor}${c.o.clearBitmap ? " --clear-bitmap" : ""}`,
        obj: String(v.minor),
        run: () => {
          const d = c.res?.devices.get(v.vnr);
          return c.res && d ? newCurrentUuid(c.k, c.res, d, c.o.clearBitmap) : fail(127);
        },
      })),
  },
];

const BY_NAME = new Map(ADM_CMDS.map((a) => [a.name, a]));

/** The table entry of a command (`state` is drbdadm's old name of `role`). */
export function admCmd(name: string): AdmCmd | undefined {
  return BY_NAME.get(name === "state" ? "role" : name);
}

function stepsOf(name: "up" | "attach" | "connect", c: ResCtx): Step[] {
  return (BY_NAME.get(name) as AdmCmd).steps(c);
}

/**
 * adm_wait_c: `drbdsetup wait-…-volume` for `res:peer/vol`, `-connection` for `res:peer`, else
 * `-resource`, with the startup section's options; it sleeps forever (SLEEPS_FOREVER): no
 * "Command … terminated" line, its exit code is drbdadm's (5 at the timeout).
 */
function waitSteps(cmd: "wait-connect" | "wait-sync") {
  return (c: ResCtx): Step[] => {
    const peer = c.peersExplicit ? peersOf(c)[0] : undefined;
    const vnr = peer && c.volsExplicit ? c.vols[0] : undefined;
    const stackedWfc = c.resolved.stackedWfcTimeout;
    const line =
      stackedWfc === undefined
        ? waitLine(cmd, c.name, c.resolved.startup, peer?.nodeId, vnr)
        : `${waitLine(cmd, c.name, {}, peer?.nodeId, vnr)} --wfc-timeout ${stackedWfc}`;
    return [
      {
        line,
        obj: c.name,
        run: async () => {
          const r = await drbdsetupWait(c.k, c.ctx, line.split(" ")[1] as string, line.split(" ").slice(2));
          return raw(r.exitCode, r.stdout, r.stderr, true);
        },
      },
    ];
  };
}

function giSteps(cmd: "get-gi" | "show-gi") {
  return (c: ResCtx): Step[] =>
    peersOf(c).flatMap((p) =>
      volsOf(c).map((v) => ({
        line: `drbdsetup ${cmd} ${c.name} ${p.nodeId} ${v.vnr}`,
        obj: c.name,
        run: () => {
          const d = c.res?.devices.get(v.vnr);
          const bd = nodeOf(c).blockDevices.get(v.disk);
          const md = d?.md ?? (bd ? c.k.md.load(bd) : null);
          if (!md) return raw(255, "", "No valid meta data found\n");
          const cn = c.res?.connections.get(p.host);
          const connected = cn?.cstate === "Connected";
          if (cmd === "get-gi") return raw(0, `${giLine(md, p.nodeId, connected)}\n`);
          const flags = `${c.res?.role ?? "Secondary"}, ${cn?.cstate ?? "StandAlone"}, ${d?.disk ?? "Diskless"}`;
          return raw(0, showGi(md, p.nodeId, connected, flags));
        },
      })),
    );
}

function attachVol(c: ResCtx, vnr: number) {
  const r = c.k.resource(nodeOf(c), c.name);
  const d = r?.devices.get(vnr);
  return r && d ? attach(c.k, r, d) : fail(127);
}

function connectPeer(c: ResCtx, peer: string, discard: boolean) {
  const r = c.k.resource(nodeOf(c), c.name);
  const cn = r?.connections.get(peer);
  return r && cn ? connect(c.k, r, cn, discard) : fail(158);
}

function outdateVol(c: ResCtx, vnr: number, minor: number, disk: string) {
  const node = nodeOf(c);
  const d = c.res?.devices.get(vnr);
  if (!c.res || !d) return offlineOutdate(c.k, node, minor, disk);
  const r = outdate(c.k, c.res, d);
  if (r.ok || r.kind !== "state") return r;
  // drbdadm hides drbdsetup's error and falls back to drbdmeta, which refuses on an attached device
  if (r.code === -2) return raw(17, "", "", true);
  const meta = `Device '${minor}' is configured!\nCommand '${metaLine(minor, disk, "outdate")}' terminated with exit code 20\n`;
  return raw(r.code === -16 ? 5 : 20, "", meta, true);
}

/** `drbdadm help` (print_usage_and_exit without a command): options, then show_in_usage 1 in two columns. */
export function usageText(version: string, buildtag: string): string {
  const opts = [
    "  --stacked, -S",
    "  --dry-run, -d",
    "  --verbose, -v",
    "  --config-file=..., -c ...",
    "  --config-to-test=..., -t ...",
    "  --config-to-exclude=..., -E ...",
    "  --drbdsetup=..., -s ...",
    "  --drbdmeta=..., -m ...",
    "  --drbd-proxy-ctl=..., -p ...",
    "  --sh-varname=..., -n ...",
    "  --version, -V",
    "  --setup-option=..., -W ...",
    "  --help, -h",
  ];
  // print_cmds(1): the real list, sorted, in two columns of 35 (commands the lab does not run
  // answer that they are not simulated)
  const names = [...USAGE_NAMES].sort();
  const half = Math.ceil(names.length / 2);
  const rows: string[] = [];
  for (let i = 0; i < half; i++) {
    const right = names[i + half];
    rows.push(
      right !== undefined
        ? ` ${(names[i] as string).padEnd(35)} ${right.padEnd(35)}`
        : ` ${(names[i] as string).padEnd(35)}`,
    );
  }
  return [
    "",
    "USAGE: drbdadm COMMAND [OPTION...] {all|RESOURCE...}",
    "",
    "GENERAL OPTIONS:",
    ...opts,
    "",
    "COMMANDS:",
    ...rows,
    "",
    `Version: ${version} (api:2)`,
    buildtag,
    "",
  ].join("\n");
}

/** drbdadm_main.c commands with show_in_usage = 1, simulated or not (what `drbdadm help` lists). */
const USAGE_NAMES = [
  ...ADM_CMDS.filter((a) => a.usage === 1).map((a) => a.name),
  "adjust-with-progress",
  "del-path",
  "del-peer",
  "dump-xml",
  "forget-peer",
  "hidden-commands",
  "new-path",
  "new-peer",
];

/** Listed by `drbdadm help` but not run by the lab's drbdadm. */
export function notSimulated(name: string): boolean {
  return USAGE_NAMES.includes(name) && !BY_NAME.has(name);
}
