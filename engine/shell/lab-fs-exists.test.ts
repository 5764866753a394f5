/**
 * LabFs.exists answers paths of the root filesystem without routing them through the mounts
 * (bash asks about every $PATH directory at every command): its answers must be the mountable
 * filesystem's, for paths in a mounted filesystem, above a mount point, on the root, after an
 * unmount; and the terminal's device files never exist.
 */
import { InMemoryFs } from "just-bash";
import { describe, expect, it } from "vitest";
import { Clock } from "../core/clock";
import { LabFs } from "./lab-fs";
import { TTY_ERR, TTY_OUT } from "./tty";

const PATHS = [
  "/",
  "",
  ".",
  "/usr",
  "/usr/bin",
  "/usr/bin/ls",
  "/usr/local/sbin/ls",
  "/usr//bin/../bin/./ls",
  "usr/bin",
  "/mnt",
  "/mnt/",
  "/mnt/data",
  "/mnt/data/",
  "/mnt/data/f",
  "/mnt/data/g",
  "/mnt/data/sub/h",
  "/mnt/datax",
  "/mnt/data/../data/f",
  "/srv/a/b",
  "/srv/a",
  "/srv",
  "/nope",
  "/etc/../usr/bin/ls",
];

async function answers(fs: LabFs): Promise<[boolean, boolean][]> {
  const mountable = (fs as unknown as { mountable: { exists(p: string): Promise<boolean> } }).mountable;
  return Promise.all(PATHS.map(async (p) => [await fs.exists(p), await mountable.exists(p)] as [boolean, boolean]));
}

describe("LabFs.exists", () => {
  it("answers as the mountable filesystem does, mounts or not", async () => {
    const fs = new LabFs(new Clock());
    await fs.mkdir("/usr/bin", { recursive: true });
    await fs.writeFile("/usr/bin/ls", "x");
    await fs.mkdir("/mnt/datax", { recursive: true });
    const data = new InMemoryFs();
    await data.writeFile("/f", "f");
    await data.mkdir("/sub");
    await data.writeFile("/sub/h", "h");
    const deep = new InMemoryFs();
    const states: [boolean, boolean][][] = [await answers(fs)];
    fs.mount("/mnt/data", data);
    fs.mount("/srv/a/b", deep);
    states.push(await answers(fs));
    fs.unmount("/mnt/data");
    states.push(await answers(fs));
    for (const s of states)
      for (const [i, [ours, theirs]] of s.entries()) expect([PATHS[i], ours]).toEqual([PATHS[i], theirs]);
    // the mounts changed the answers: the comparison is not between two constant answers
    const inData = PATHS.indexOf("/mnt/data/f");
    const aboveDeep = PATHS.indexOf("/srv");
    expect(states.map((s) => s[inData]?.[0])).toEqual([false, true, false]);
    expect(states.map((s) => s[aboveDeep]?.[0])).toEqual([false, true, true]);
  });

  it("never finds the terminal's device files", async () => {
    const fs = new LabFs(new Clock());
    await fs.mkdir("/dev/.lab-tty", { recursive: true });
    expect(await fs.exists(TTY_OUT)).toBe(false);
    expect(await fs.exists(TTY_ERR)).toBe(false);
    expect(await fs.exists("/dev/.lab-tty")).toBe(true);
  });
});
