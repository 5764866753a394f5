import { expandInclude, hasGlobMagic, resolveIncludePath } from "./include";
import { type CommonSection, type DrbdConfig, emptySectionOptions, type GlobalSection, type Resource } from "./model";
import { findOption } from "./options";
import { parseConnection, parseMesh } from "./parse-connection";
import {
  insertVolume,
  parseHostNames,
  parseHostSection,
  parseSkip,
  parseStackedSection,
  parseVolume,
  parseVolumeStatement,
  rangeCheck,
  volume0,
} from "./parse-hosts";
import {
  netDelegate,
  parseDiskOptions,
  parseOptions,
  parseOptionValue,
  parseStartup,
  parseSyncer,
} from "./parse-options";
import { Cursor, ParseAbort, type ParseContext } from "./parser-core";
import { ch, EOF, TK } from "./tokens";
import { plainInteger } from "./units";

export const DEFAULT_ENTRY = "/etc/drbd.conf";
export const DEFAULT_DRBD_CONF = 'include "/etc/drbd.d/global_common.conf";\ninclude "/etc/drbd.d/*.res";\n';

function parseGlobal(c: Cursor): void {
  const ctx = c.ctx;
  c.uniq(ctx.globalTree, "global section", "global");
  if (ctx.config.resources.length > 0) {
    c.report({
      line: c.line,
      severity: "warning",
      code: "global-not-first",
      message: "You should put the global {} section\n\tin front of any resource {} section",
      messageFr: `La section global (ligne ${c.line}) devrait précéder toutes les sections resource.`,
    });
  }
  const g: GlobalSection = ctx.config.global ?? {
    file: c.file,
    line: c.line,
    disableIpVerification: false,
    udevAlwaysUseVnr: false,
  };
  ctx.config.global = g;
  c.expect(ch("{"), "'{'");
  for (;;) {
    c.startStatement();
    const t = c.next();
    c.fline = t.line;
    const integer = (name: string, min: number, max: number): number => {
      const n = c.expect(TK.INTEGER, "TK_INTEGER");
      rangeCheck(c, name, n.text, min, max);
      return plainInteger(n.text);
    };
    switch (t.tk) {
      case TK.UDEV_ALWAYS_USE_VNR:
        g.udevAlwaysUseVnr = true;
        break;
      case TK.DISABLE_IP_VERIFICATION:
        g.disableIpVerification = true;
        break;
      case TK.MINOR_COUNT:
        g.minorCount = integer("minor-count", 1, 255);
        break;
      case TK.DIALOG_REFRESH:
        g.dialogRefresh = integer("dialog-refresh", 0, 600);
        break;
      case TK.CMD_TIMEOUT_SHORT:
        g.cmdTimeoutShort = integer("cmd-timeout-short", 0, 900);
        break;
      case TK.CMD_TIMEOUT_MEDIUM:
        g.cmdTimeoutMedium = integer("cmd-timeout-medium", 0, 900);
        break;
      case TK.CMD_TIMEOUT_LONG:
        g.cmdTimeoutLong = integer("cmd-timeout-long", 0, 900);
        break;
      case TK.USAGE_COUNT: {
        const v = c.next();
        if (v.tk === TK.YES || v.tk === TK.NO || v.tk === TK.ASK) g.usageCount = v.text as "yes" | "no" | "ask";
        else c.expected("yes | no | ask", v);
        break;
      }
      case ch("}"):
        return;
      default:
        c.expected("dialog-refresh | minor-count | disable-ip-verification", t);
    }
    c.semi();
  }
}

/** parse_resource(): also used for `common` (no host sections allowed there). */
function parseResource(c: Cursor, name: string, isCommon: boolean, startLine: number): Resource {
  const ctx = c.ctx;
  ctx.resourceTree = new Map();
  c.uniq(ctx.globalTree, "resource section", name);
  const res: Resource = {
    name,
    file: c.file,
    line: startLine,
    ...emptySectionOptions(),
    volumes: [],
    hosts: [],
    connections: [],
    meshes: [],
  };
  const upr = (what: string, key: string) => c.uniq(ctx.resourceTree, what, `${name}:${key}`);
  for (;;) {
    c.startStatement();
    const t = c.next();
    c.fline = t.line;
    switch (t.tk) {
      case TK.STRING: {
        if (t.text !== "protocol") return resourceKeywordError(c, t);
        c.uniq(ctx.resourceTree, "protocol statement", `${name}: protocol`);
        const f = findOption("net", "protocol");
        if (f) res.net.push(parseOptionValue(c, f.def, false, t));
        break;
      }
      case TK.ON:
        parseHostSection(c, res, parseHostNames(c, "{"), false);
        break;
      case TK.STACKED:
        parseStackedSection(c, res);
        break;
      case TK._THIS_HOST:
        c.expect(ch("{"), "'{'");
        parseHostSection(c, res, ["_this_host"], false);
        break;
      case TK.FLOATING:
        parseHostSection(c, res, [], true);
        break;
      case TK.DISK: {
        const v = c.next();
        if (v.tk === TK.STRING) {
          const vol = volume0(c, res.volumes);
          vol.disk = v.text;
          vol.parsedDisk = true;
          vol.diskLine = t.line;
          c.semi();
        } else if (v.tk === ch("{")) {
          upr("disk section", "disk");
          parseDiskOptions(c, res, res.net);
        } else {
          c.checkStringError(v);
          c.expectedGot("TK_STRING | {", v);
        }
        break;
      }
      case TK.NET:
        upr("net section", "net");
        c.expect(ch("{"), "'{'");
        parseOptions(c, "net", res.net, netDelegate);
        break;
      case TK.SYNCER:
        upr("syncer section", "syncer");
        c.expect(ch("{"), "'{'");
        parseSyncer(c, res);
        break;
      case TK.STARTUP:
        upr("startup section", "startup");
        c.expect(ch("{"), "'{'");
        parseStartup(c, res);
        break;
      case TK.HANDLER:
        upr("handlers section", "handlers");
        c.expect(ch("{"), "'{'");
        parseOptions(c, "handlers", res.handlers);
        break;
      case TK.PROXY:
        upr("proxy section", "proxy");
        c.expect(ch("{"), "'{'");
        c.i--; // DRBD Proxy is not simulated: its options are skipped as a block
        parseSkip(c);
        break;
      case TK.DEVICE:
        upr("device statement", "device");
        parseVolumeStatement(c, volume0(c, res.volumes), null, t.tk);
        break;
      case TK.META_DISK:
      case TK.FLEX_META_DISK:
        parseVolumeStatement(c, volume0(c, res.volumes), null, t.tk);
        break;
      case TK.VOLUME: {
        const n = c.expect(TK.INTEGER, "TK_INTEGER");
        insertVolume(res.volumes, parseVolume(c, plainInteger(n.text), null));
        break;
      }
      case TK.OPTIONS:
        upr("resource options section", "res_options");
        c.expect(ch("{"), "'{'");
        parseOptions(c, "options", res.options);
        break;
      case TK.CONNECTION:
        parseConnection(c, res);
        break;
      case TK.CONNECTION_MESH:
        parseMesh(c, res);
        break;
      case TK.TEMPLATE_FILE:
        res.templateFile = c.expect(TK.STRING, "TK_STRING").text;
        c.semi();
        break;
      case TK.SKIP:
        parseSkip(c);
        break;
      case ch("}"):
      case EOF:
        if (isCommon && res.hosts.length > 0) {
          c.report({
            line: res.hosts[0]?.line ?? c.line,
            severity: "error",
            code: "hosts-in-common",
            message: `in the ${name} section, there are no host sections allowed.`,
            messageFr: "La section common ne peut pas contenir de section « on ».",
          });
          ctx.valid = false;
        }
        return res;
      default:
        return resourceKeywordError(c, t);
    }
  }
}

function resourceKeywordError(c: Cursor, t: ReturnType<Cursor["next"]>): never {
  return c.expectedGot(
    "protocol | on | disk | net | syncer | startup | handlers | connection | ignore-on | stacked-on-top-of | skip",
    t,
  );
}

function includeStatement(c: Cursor, pattern: string, line: number): void {
  const ctx = c.ctx;
  const abs = resolveIncludePath(pattern, c.file);
  const matches = expandInclude(abs, Object.keys(ctx.files));
  if (matches.length === 0 && !hasGlobMagic(abs)) {
    c.report({
      line,
      severity: "error",
      code: "include-failed",
      message: `Failed to open include file '${pattern}'.`,
      messageFr: `Le fichier inclus « ${pattern} » (ligne ${line}) n'existe pas.`,
    });
    ctx.valid = false;
  }
  for (const f of matches) {
    if (ctx.seen.has(f)) continue;
    parseFile(ctx, f);
  }
}

/** my_parse(): the top level of one file. Stops at the file's first parse error. */
export function parseFile(ctx: ParseContext, file: string): void {
  ctx.seen.add(file);
  ctx.config.files.push(file);
  if (ctx.depth > 10) return;
  ctx.depth++;
  const c = new Cursor(ctx, file, ctx.files[file] ?? "");
  try {
    for (;;) {
      c.startStatement();
      const t = c.next();
      c.fline = t.line;
      switch (t.tk) {
        case TK.GLOBAL:
          parseGlobal(c);
          break;
        case TK.COMMON: {
          c.expect(ch("{"), "'{'");
          const r = parseResource(c, "common", true, c.line);
          const common: CommonSection = {
            file: r.file,
            line: r.line,
            net: r.net,
            disk: r.disk,
            deviceOptions: r.deviceOptions,
            peerDevice: r.peerDevice,
            options: r.options,
            startup: r.startup,
            handlers: r.handlers,
            stackedTimeouts: r.stackedTimeouts,
          };
          ctx.config.common = common;
          break;
        }
        case TK.RESOURCE: {
          const name = c.expect(TK.STRING, "TK_STRING").text;
          c.expect(ch("{"), "'{'");
          ctx.config.resources.push(parseResource(c, name, false, c.line));
          break;
        }
        case TK.SKIP:
          parseSkip(c);
          break;
        case TK.INCLUDE: {
          const p = c.expect(TK.STRING, "TK_STRING").text;
          c.semi();
          includeStatement(c, p, c.line);
          break;
        }
        case TK.MODULE_EQ:
        case TK.MODULE_NE:
        case TK.MODULE_GT:
        case TK.MODULE_GE:
        case TK.MODULE_LT:
        case TK.MODULE_LE:
          c.expect(TK.KMODVERS, "TK_KMODVERS");
          c.semi();
          break;
        case EOF:
          return;
        default:
          c.expected(
            "global | common | resource | skip | include |\n\trequire-drbd-module-version-{eq,ne,gt,ge,lt,le}",
            t,
          );
      }
    }
  } catch (e) {
    if (!(e instanceof ParseAbort)) throw e;
  } finally {
    ctx.depth--;
  }
}

export function newContext(files: Record<string, string>, entry: string, hostname?: string): ParseContext {
  const config: DrbdConfig = { entry, files: [], global: null, common: null, resources: [] };
  return {
    files,
    config,
    diags: [],
    globalTree: new Map(),
    resourceTree: new Map(),
    seen: new Set(),
    valid: true,
    depth: 0,
    ...(hostname !== undefined ? { hostname } : {}),
  };
}
