import type { Address, HostSection, ProxySection, Resource, Volume } from "./model";
import { parseDiskOptions, parseOptions } from "./parse-options";
import { type Cursor, ParseAbort } from "./parser-core";
import { ch, TK } from "./tokens";
import { plainInteger } from "./units";

export function newVolume(c: Cursor, vnr: number, implicit: boolean, line: number): Volume {
  return {
    vnr,
    implicit,
    minor: -1,
    parsedDevice: false,
    parsedDisk: false,
    parsedMetaDisk: false,
    diskOptions: [],
    deviceOptions: [],
    peerDeviceOptions: [],
    file: c.file,
    line,
  };
}

/** volume0(): the implicit volume 0 for statements outside `volume N { }`. */
export function volume0(c: Cursor, volumes: Volume[]): Volume {
  const first = volumes[0];
  if (!first) {
    const v = newVolume(c, 0, true, c.line);
    volumes.unshift(v);
    return v;
  }
  if (!(first.vnr === 0 && volumes.length === 1 && first.implicit)) {
    c.report({
      line: c.line,
      severity: "error",
      code: "mixed-volumes",
      message: "mixing explicit and implicit volumes is not allowed",
      messageFr: `Ligne ${c.line} : on ne peut pas mélanger des volumes explicites (volume N { }) et des déclarations hors volume.`,
    });
    c.ctx.valid = false;
  }
  return first;
}

export function insertVolume(volumes: Volume[], v: Volume): void {
  const at = volumes.findIndex((x) => x.vnr > v.vnr);
  if (at < 0) volumes.push(v);
  else volumes.splice(at, 0, v);
}

/** m_strtoll_range(): `port 70000 => 70000 out of range [1..65535].` */
export function rangeCheck(c: Cursor, name: string, text: string, min: number, max: number): void {
  const v = plainInteger(text);
  if (v >= min && v <= max) return;
  c.report({
    line: c.fline,
    severity: "error",
    code: "out-of-range",
    message: `${name} ${text} => ${v} out of range [${min}..${max}].`,
    messageFr: `${name} ${text} hors bornes (ligne ${c.fline}) : la valeur doit être comprise entre ${min} et ${max}.`,
  });
  c.ctx.valid = false;
}

/** __parse_address(): `[ipv4|ipv6|ssocks|sdp] ip:port`. */
export function parseAddressBody(c: Cursor): Address {
  const t = c.next();
  let af: Address["af"];
  let addr: string;
  if (t.tk === TK.SCI || t.tk === TK.SSOCKS || t.tk === TK.SDP || t.tk === TK.IPV4) {
    af = t.tk === TK.SCI ? "ssocks" : (t.text as Address["af"]);
    addr = c.expect(TK.IPADDR, "TK_IPADDR").text;
  } else if (t.tk === TK.IPV6) {
    af = "ipv6";
    c.expect(ch("["), "'['");
    addr = c.expect(TK.IPADDR6, "TK_IPADDR6").text;
  } else if (t.tk === TK.IPADDR) {
    af = "ipv4";
    addr = t.text;
  } else return c.expected("ssocks | sdp | ipv4 | ipv6 | <ipv4 address> ", t);
  if (af === "ipv6") c.expect(ch("]"), "']'");
  c.expect(ch(":"), "':'");
  const port = c.expect(TK.INTEGER, "TK_INTEGER").text;
  rangeCheck(c, "port", port, 1, 65535);
  return { af, addr, port };
}

function hostMatters(c: Cursor, onHosts: string[] | null): boolean {
  return onHosts === null || c.ctx.hostname === undefined || onHosts.includes(c.ctx.hostname);
}

/** parse_device() (U9 drbdadm_linux.c): `device /dev/drbdN [minor N];` or `device minor N;`. */
function parseDevice(c: Cursor, v: Volume, onHosts: string[] | null): void {
  let t = c.next();
  let explicitMinor = false;
  if (t.tk === TK.STRING) {
    v.device = t.text.startsWith("drbd") ? `/dev/${t.text}` : t.text;
    if (hostMatters(c, onHosts) && !v.device.startsWith("/dev/drbd")) {
      c.report({
        line: c.fline,
        severity: "error",
        code: "device-name",
        message: "device name must start with /dev/drbd\n\t(/dev/ is optional, but drbd is required)",
        messageFr: `Ligne ${c.fline} : le nom du périphérique doit commencer par /dev/drbd (ex. /dev/drbd0).`,
      });
      c.ctx.valid = false;
    }
    t = c.next();
    if (t.tk === ch(";")) {
      const m = /^\/dev\/drbd([0-9]+)$/.exec(v.device);
      v.minor = m ? Number(m[1]) : -1;
      if (!m) {
        c.report({
          line: c.fline,
          severity: "error",
          code: "no-minor",
          message: "no minor given nor device name contains a minor number",
          messageFr: `Ligne ${c.fline} : impossible de déduire le numéro (minor) du périphérique ; écrivez /dev/drbdN ou ajoutez « minor N ».`,
        });
        c.ctx.valid = false;
      }
    } else if (t.tk !== TK.MINOR) c.expected("minor | ;", t);
  }
  if (t.tk === TK.MINOR) {
    explicitMinor = true;
    v.minor = plainInteger(c.expect(TK.INTEGER, "TK_INTEGER").text);
    c.semi();
  }
  if (explicitMinor && v.device && hostMatters(c, onHosts)) {
    const digits = v.device.slice(9);
    if (/^[0-9]+$/.test(digits) && Number(digits) !== v.minor) {
      c.report({
        line: c.fline,
        severity: "error",
        code: "minor-mismatch",
        message: `explicit minor number must match with device name\n\tTry "device /dev/drbd${v.minor} minor ${v.minor};",\n\tor leave off either device name or explicit minor.\n\tArbitrary device names must start with /dev/drbd_\n\tmind the '_'! (/dev/ is optional, but drbd_ is required)`,
        messageFr: `Ligne ${c.fline} : le numéro « minor ${v.minor} » ne correspond pas au nom ${v.device}.`,
      });
      c.ctx.valid = false;
    }
  }
  if (!onHosts) return;
  for (const h of onHosts) {
    c.uniq(c.ctx.globalTree, "device-minor", `device-minor:${h}:${v.minor}`, c.fline);
    if (v.device) c.uniq(c.ctx.globalTree, "device", `device:${h}:${v.device}`, c.fline);
  }
}

function parseMetaDisk(c: Cursor, v: Volume, flexible: boolean): void {
  v.metaDisk = c.expect(TK.STRING, "TK_STRING").text;
  if (v.metaDisk === "internal") {
    v.metaIndex = "internal";
    c.semi();
  } else if (flexible) {
    v.metaIndex = "flexible";
    c.semi();
  } else {
    const t = c.next();
    if (t.tk === ch("[")) {
      v.metaIndex = c.expect(TK.INTEGER, "TK_INTEGER").text;
      c.expect(ch("]"), "']'");
      c.semi();
    } else if (t.tk === ch(";")) v.metaIndex = "flexible";
    else c.expected("[ | ;", t);
  }
}

/** parse_volume_stmt(): returns false when the token is not a volume statement. */
export function parseVolumeStatement(c: Cursor, v: Volume, onHosts: string[] | null, tk: number): boolean {
  const line = c.fline;
  switch (tk) {
    case TK.DISK: {
      const t = c.next();
      if (t.tk === TK.STRING) {
        v.disk = t.text;
        c.semi();
      } else if (t.tk === ch("{")) {
        parseDiskOptions(
          c,
          { disk: v.diskOptions, deviceOptions: v.deviceOptions, peerDevice: v.peerDeviceOptions },
          null,
        );
      } else {
        c.checkStringError(t);
        c.expectedGot("TK_STRING | {", t);
      }
      v.parsedDisk = true;
      v.diskLine = line;
      return true;
    }
    case TK.DEVICE:
      parseDevice(c, v, onHosts);
      v.parsedDevice = true;
      v.deviceLine = line;
      return true;
    case TK.META_DISK:
    case TK.FLEX_META_DISK:
      parseMetaDisk(c, v, tk === TK.FLEX_META_DISK);
      v.parsedMetaDisk = true;
      v.metaDiskLine = line;
      return true;
    case TK.SKIP:
      parseSkip(c);
      return true;
    case TK.TIEBREAKER: {
      const t = c.next();
      if (t.tk === TK.YES) v.tiebreaker = true;
      else if (t.tk === TK.NO) v.tiebreaker = false;
      else c.expected("yes | no", t);
      c.semi();
      return true;
    }
    default:
      return false;
  }
}

export function parseVolume(c: Cursor, vnr: number, onHosts: string[] | null): Volume {
  const v = newVolume(c, vnr, false, c.line);
  c.expect(ch("{"), "'{'");
  for (;;) {
    c.startStatement();
    const t = c.next(); // fline stays at the `volume` keyword, as in drbdadm
    if (t.tk === ch("}")) return v;
    if (!parseVolumeStatement(c, v, onHosts, t.tk)) c.expectedGot("device | disk | meta-disk | flex-meta-disk | }", t);
  }
}

/** parse_skip(): everything up to the matching closing brace is ignored. */
export function parseSkip(c: Cursor): void {
  let level = 0;
  const start = c.line;
  for (;;) {
    const t = c.next();
    if (t.tk === 0) {
      c.report({
        line: start,
        severity: "error",
        code: "skip-eof",
        message: "reached eof while parsing this skip block.",
        messageFr: `Le bloc « skip » commencé ligne ${start} n'est jamais refermé.`,
        fatal: true,
      });
      c.ctx.valid = false;
      throw new ParseAbort("skip");
    }
    if (t.tk === ch("{")) level++;
    else if (t.tk === ch("}") && --level === 0) return;
  }
}

/** parse_proxy_section(): `proxy on HOST { inside ADDR; outside ADDR; options { … } }`. */
export function parseProxySection(c: Cursor): ProxySection {
  c.expect(TK.ON, "TK_ON");
  const start = c.line;
  const proxy: ProxySection = { names: parseHostNames(c, "{") };
  for (;;) {
    const t = c.next();
    if (t.tk === TK.INSIDE || t.tk === TK.OUTSIDE) {
      const a = parseAddressBody(c);
      c.semi();
      if (t.tk === TK.INSIDE) proxy.inside = a;
      else proxy.outside = a;
    } else if (t.tk === TK.OPTIONS) {
      c.expect(ch("{"), "'{'");
      c.i--; // proxy options and plugins are not simulated: skipped as a block
      parseSkip(c);
    } else if (t.tk === ch("}")) break;
    else c.expected("inside | outside", t);
  }
  for (const k of ["inside", "outside"] as const)
    if (!proxy[k]) {
      c.report({
        line: start,
        severity: "error",
        code: "proxy-keyword-missing",
        message: `in section: proxy on ${proxy.names.join(" ")} { ... } }: '${k}' keyword missing.`,
        messageFr: `Section proxy on ${proxy.names.join(" ")} : il manque « ${k} ».`,
      });
      c.ctx.valid = false;
    }
  return proxy;
}

/** parse_hosts(): host names up to the delimiter. */
export function parseHostNames(c: Cursor, delimiter: string): string[] {
  const names: string[] = [];
  for (;;) {
    const t = c.next();
    if (t.tk === TK.STRING) names.push(t.text);
    else if (t.tk === ch(delimiter)) {
      if (names.length === 0) c.expectedGot("TK_STRING", t);
      return names;
    } else c.expectedGot(`TK_STRING | '${delimiter}'`, t);
  }
}

/** parse_host_section(): `on host { ... }` or `floating ip:port { ... }`. */
export function parseHostSection(c: Cursor, res: Resource, names: string[], floating: boolean): void {
  const host: HostSection = {
    kind: floating ? "floating" : "on",
    names,
    volumes: [],
    options: [],
    file: c.file,
    line: c.line,
  };
  let inBraces = true;
  if (floating) {
    host.address = parseAddressBody(c);
    host.addressLine = c.line;
    host.names = [`${host.address.addr}:${host.address.port}`.replace(/[^0-9A-Za-z+\-._]/g, "_")];
    const t = c.next();
    if (t.tk === ch(";")) inBraces = false;
    else if (t.tk !== ch("{")) c.expectedGot("{ | ;", t);
    host.line = c.line;
  }
  for (const h of host.names) c.uniq(c.ctx.resourceTree, "host section", `${res.name}: on ${h}`, host.line);
  res.hosts.push(host);
  while (inBraces) {
    c.startStatement();
    const t = c.next();
    c.fline = t.line;
    const uniqAll = (what: string, key: string) => {
      for (const h of host.names) c.uniq(c.ctx.resourceTree, what, `${res.name}:${h}:${key}`);
    };
    switch (t.tk) {
      case TK.DISK:
      case TK.DEVICE:
      case TK.META_DISK:
      case TK.FLEX_META_DISK: {
        const what = t.tk === TK.DISK ? "disk" : t.tk === TK.DEVICE ? "device" : "meta-disk";
        uniqAll(`${what} statement`, what);
        if (!parseVolumeStatement(c, volume0(c, host.volumes), host.names, t.tk))
          c.expected("disk | device | address | meta-disk | flexible-meta-disk | node-id | skip", t);
        break;
      }
      case TK.ADDRESS:
        if (host.kind === "floating") {
          c.report({
            line: c.fline,
            severity: "error",
            code: "floating-address",
            message: "address statement not allowed for floating {} host sections",
            messageFr: `Ligne ${c.fline} : une section floating porte déjà son adresse.`,
            fatal: true,
          });
          c.ctx.valid = false;
          throw new ParseAbort("floating");
        }
        uniqAll("address statement", "address");
        host.address = parseAddressBody(c);
        host.addressLine = t.line;
        c.semi();
        rangeCheck(c, "port", host.address.port, 1, 65535);
        break;
      case TK.VOLUME: {
        const n = c.expect(TK.INTEGER, "TK_INTEGER");
        insertVolume(host.volumes, parseVolume(c, plainInteger(n.text), host.names));
        break;
      }
      case TK.NODE_ID: {
        const n = c.expect(TK.INTEGER, "TK_INTEGER");
        rangeCheck(c, "node-id", n.text, 0, 32);
        host.nodeId = plainInteger(n.text);
        uniqAll("node-id statement", "node-id");
        c.uniq(c.ctx.resourceTree, "node-id", `${res.name}:${n.text}`);
        c.semi();
        break;
      }
      case TK.OPTIONS:
        c.expect(ch("{"), "'{'");
        parseOptions(c, "options", host.options);
        break;
      case TK.PROXY:
        host.proxy = parseProxySection(c);
        break;
      case TK.SKIP:
        parseSkip(c);
        break;
      case ch("}"):
        inBraces = false;
        break;
      default:
        c.expected("disk | device | address | meta-disk | flexible-meta-disk | node-id | skip", t);
    }
  }
}

/** parse_stacked_section(): `stacked-on-top-of lower { device; address; }` (8.4 stacking). */
export function parseStackedSection(c: Cursor, res: Resource): void {
  const host: HostSection = { kind: "stacked", names: [], volumes: [], options: [], file: c.file, line: c.line };
  res.hosts.push(host);
  host.lowerResource = c.expect(TK.STRING, "TK_STRING").text;
  c.uniq(c.ctx.globalTree, "stacked-on-top-of", `stacked:${host.lowerResource}`);
  c.expect(ch("{"), "'{'");
  for (;;) {
    c.startStatement();
    const t = c.next();
    c.fline = t.line;
    if (t.tk === ch("}")) return;
    if (t.tk === TK.DEVICE) {
      const v = volume0(c, host.volumes);
      parseVolumeStatement(c, v, null, TK.DEVICE);
      // parse_stacked_section() calls parse_device() alone: no parsed_device, dump omits it
      v.parsedDevice = false;
      v.metaDisk = "internal";
      v.metaIndex = "internal";
    } else if (t.tk === TK.ADDRESS) {
      host.address = parseAddressBody(c);
      host.addressLine = t.line;
      c.semi();
    } else if (t.tk === TK.NODE_ID) {
      const n = c.expect(TK.INTEGER, "TK_INTEGER");
      rangeCheck(c, "node-id", n.text, 0, 32);
      host.nodeId = plainInteger(n.text);
      c.semi();
    } else if (t.tk === TK.PROXY) host.proxy = parseProxySection(c);
    else c.expected("device | address | proxy | volume | node-id", t);
  }
}
