import type { Lab } from "@/engine/index";

/** The DRBD configuration files of a node, as the config editor shows them. */
export const CONFIG_MAIN = "/etc/drbd.conf";
export const CONFIG_DIR = "/etc/drbd.d";
const EOF_MARK = "DRBDLAB_EOF";

export function isConfigPath(path: string): boolean {
  return path === CONFIG_MAIN || new RegExp(`^${CONFIG_DIR}/[A-Za-z0-9_.-]+\\.(res|conf)$`).test(path);
}

/** Reads the node's config files straight from its filesystem (reading records nothing). */
export async function readConfigFiles(lab: Lab, node: string): Promise<Record<string, string>> {
  const n = lab.world.node(node);
  if (!n) throw new Error(`unknown node ${node}`);
  const out: Record<string, string> = {};
  const paths = [CONFIG_MAIN];
  try {
    for (const f of (await n.fs.readdir(CONFIG_DIR)).sort()) paths.push(`${CONFIG_DIR}/${f}`);
  } catch {
    // no /etc/drbd.d: only drbd.conf, if any
  }
  for (const p of paths) {
    if (!isConfigPath(p)) continue;
    try {
      out[p] = await n.fs.readFile(p);
    } catch {
      // missing file: not listed
    }
  }
  return out;
}

/**
 * The command line that writes a file, as a learner would type it (a quoted heredoc: no
 * expansion). It goes through the shell so that it is an ordinary event of the log and replays.
 */
export function heredocWrite(path: string, content: string): string | undefined {
  const body = content.endsWith("\n") ? content : `${content}\n`;
  if (body.split("\n").includes(EOF_MARK)) return undefined;
  return `cat > ${path} <<'${EOF_MARK}'\n${body}${EOF_MARK}`;
}
