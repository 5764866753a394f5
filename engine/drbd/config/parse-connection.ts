import type { Connection, HostAddress, Mesh, Path, Resource } from "./model";
import { parseAddressBody, parseHostNames, parseProxySection, parseSkip } from "./parse-hosts";
import { netDelegate, parseOptions } from "./parse-options";
import type { Cursor } from "./parser-core";
import { ch, TK } from "./tokens";
import { plainInteger } from "./units";

function tooManyHosts(c: Cursor, where: "connection" | "path"): void {
  c.report({
    line: c.fline,
    severity: "error",
    code: "too-many-hosts",
    message: `only two 'host' keywords per ${where} allowed`,
    messageFr: `Ligne ${c.fline} : une ${where === "path" ? "section path" : "connexion"} relie exactement deux hôtes.`,
  });
  c.ctx.valid = false;
}

/** parse_hname_address_pair(): `host NAME [address ...|port N] [via ...];` or `address ...;`. */
function parseHostAddress(c: Cursor, prev: number): HostAddress {
  const ha: HostAddress = { name: "", byAddress: false, file: c.file, line: c.line };
  let t: ReturnType<Cursor["next"]>;
  if (prev === TK.ADDRESS || prev === TK._THIS_HOST || prev === TK._REMOTE_HOST) {
    ha.name = prev === TK.ADDRESS ? "UNKNOWN" : prev === TK._THIS_HOST ? "_this_host" : "_remote_host";
    ha.byAddress = prev === TK.ADDRESS;
    ha.address = parseAddressBody(c);
    t = c.next();
  } else {
    ha.name = c.expect(TK.STRING, "TK_STRING").text;
    t = c.next();
    if (t.tk === TK.ADDRESS) {
      ha.address = parseAddressBody(c);
      t = c.next();
    } else if (t.tk === TK.PORT) {
      ha.port = c.expect(TK.INTEGER, "TK_INTEGER").text;
      t = c.next();
    } else if (t.tk === ch(";")) return ha;
    else if (t.tk !== TK.VIA) c.expectedGot("address | port | ;", t);
  }
  if (t.tk === TK.VIA) {
    const v = c.next();
    if (v.tk === TK.PROXY) {
      ha.proxy = parseProxySection(c); // parsed and dumped; DRBD Proxy itself is not simulated
      return ha;
    }
    if (v.tk !== TK.OUTSIDE_ADDRESS) c.expectedGot("proxy | outside-address", v);
    ha.outsideAddress = parseAddressBody(c);
    c.semi();
  } else if (t.tk !== ch(";")) c.expectedGot("via | ; ", t);
  return ha;
}

function parsePath(c: Cursor): Path {
  const path: Path = { implicit: false, hosts: [], file: c.file, line: c.line };
  c.expect(ch("{"), "'{'");
  for (;;) {
    c.startStatement();
    const t = c.next(); // drbdadm keeps fline at the section keyword here
    if (t.tk === ch("}")) return path;
    if (t.tk === TK.ADDRESS || t.tk === TK.HOST || t.tk === TK._THIS_HOST || t.tk === TK._REMOTE_HOST) {
      path.hosts.push(parseHostAddress(c, t.tk));
      if (path.hosts.length >= 3) tooManyHosts(c, "path");
    } else c.expectedGot("host | }", t);
  }
}

/** parse_connection(): DRBD 9 `connection { host A ...; host B ...; net { } volume N { disk { } } }`. */
export function parseConnection(c: Cursor, res: Resource): void {
  const conn: Connection = { paths: [], net: [], peerDevice: [], volumes: [], file: c.file, line: c.line };
  let t = c.next();
  if (t.tk === TK.STRING) {
    c.report({
      line: c.fline,
      severity: "warning",
      code: "named-connection",
      message: `explicitly named connections are deprecated!\n\tits name ('${t.text}') will be ignored`,
      messageFr: `Ligne ${c.fline} : nommer une connexion est obsolète, le nom « ${t.text} » est ignoré.`,
    });
    conn.name = t.text;
    c.expect(ch("{"), "{");
  } else if (t.tk !== ch("{")) c.expectedGot("{", t);
  let hosts = 0;
  for (;;) {
    c.startStatement();
    t = c.next(); // drbdadm keeps fline at the `connection` line here
    switch (t.tk) {
      case TK.ADDRESS:
      case TK.HOST:
      case TK._THIS_HOST:
      case TK._REMOTE_HOST: {
        let path = conn.paths[0];
        if (!path) {
          path = { implicit: true, hosts: [], file: c.file, line: c.line };
          conn.paths.push(path);
        } else if (!path.implicit) {
          c.report({
            line: c.line,
            severity: "error",
            code: "mixed-paths",
            message: "Explicit and implicit paths not allowed",
            messageFr: `Ligne ${c.line} : utilisez soit des sections path { }, soit des lignes host directement dans la connexion, pas les deux.`,
          });
          c.ctx.valid = false;
        }
        path.hosts.push(parseHostAddress(c, t.tk));
        if (++hosts >= 3) tooManyHosts(c, "connection");
        break;
      }
      case TK._PEER_NODE_ID:
        plainInteger(c.expect(TK.INTEGER, "TK_INTEGER").text);
        c.semi();
        break;
      case TK.NET:
        if (conn.net.length > 0) {
          c.report({
            line: c.fline,
            severity: "error",
            code: "duplicate-net",
            message: "only one 'net' section per connection allowed",
            messageFr: `Ligne ${c.fline} : une seule section net par connexion.`,
          });
          c.ctx.valid = false;
        }
        c.expect(ch("{"), "'{'");
        parseOptions(c, "net", conn.net, netDelegate);
        break;
      case TK.SKIP:
        parseSkip(c);
        break;
      case TK.DISK:
        c.expect(ch("{"), "'{'");
        parseOptions(c, "peer-device", conn.peerDevice);
        break;
      case TK.VOLUME: {
        const vnr = plainInteger(c.expect(TK.INTEGER, "TK_INTEGER").text);
        const pd = { vnr, options: [], file: c.file, line: c.line };
        c.expect(ch("{"), "'{'");
        c.expect(TK.DISK, "TK_DISK");
        c.expect(ch("{"), "'{'");
        parseOptions(c, "peer-device", pd.options);
        c.expect(ch("}"), "'}'");
        conn.volumes.push(pd);
        break;
      }
      case TK.PATH:
        conn.paths.push(parsePath(c));
        break;
      case ch("}"):
        if (conn.paths.length === 0) {
          c.report({
            line: c.fline,
            severity: "error",
            code: "connection-without-path",
            message: "connection without a single path (maybe empty?) not allowed",
            messageFr: `Ligne ${c.fline} : une connexion doit nommer ses deux hôtes (host A; host B;) ou contenir une section path.`,
          });
          c.ctx.valid = false;
        }
        res.connections.push(conn);
        return;
      default:
        c.expectedGot("host | net | skip | }", t);
    }
  }
}

/** parse_connection_mesh(): `connection-mesh { hosts a b c; net { } }`. */
export function parseMesh(c: Cursor, res: Resource): void {
  const mesh: Mesh = { hosts: [], net: [], file: c.file, line: c.line };
  c.expect(ch("{"), "'{'");
  for (;;) {
    c.startStatement();
    const t = c.next(); // drbdadm keeps fline at the section keyword here
    if (t.tk === TK.HOSTS) mesh.hosts.push(...parseHostNames(c, ";"));
    else if (t.tk === TK.NET) {
      if (mesh.net.length > 0) {
        c.report({
          line: c.fline,
          severity: "error",
          code: "duplicate-net",
          message: "only one 'net' section allowed",
          messageFr: `Ligne ${c.fline} : une seule section net dans connection-mesh.`,
        });
        c.ctx.valid = false;
      }
      c.expect(ch("{"), "'{'");
      parseOptions(c, "net", mesh.net, netDelegate);
    } else if (t.tk === ch("}")) {
      res.meshes.push(mesh);
      return;
    } else c.expectedGot("hosts | net | }", t);
  }
}
