/**
 * drbdmeta dump-md / wipe-md and drbdadm's calls of them (drbd-utils 9.28 user/shared/drbdmeta.c
 * meta_dump_md, fprintf_bm, print_dump_header, meta_wipe_md, confirmed(); main's
 * "Device '…' is configured!" for commands that modify the meta-data and its stale-output note).
 *
 * The fixtures fixtures/dump-md-real-*.txt are the real drbdmeta's own dump (Debian drbd-utils
 * 9.22, /work/shared/reference/drbd-utils-oracle.md) after `restore-md` of the lab's dump on an
 * image of the same size: the bitmap run-length encoding, `# at NkB` marks, offsets and bits-set
 * are drbdmeta's. 9.22 predates the `members` line (drbd-utils 9.27, commit e4f8b7b2), which
 * the lab's 9.28 prints after `flags`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BlockDevice } from "../block/types";
import { dumpText, fprintfBm } from "./commands/md-dump";
import { allocateBitmapIndex, freshMetaData, peerMd } from "./metadata";
import { makeKit, syncedPair } from "./testkit";

const GIB = 1024 ** 3;
const fixture = (n: string) => readFileSync(join(__dirname, "fixtures", `dump-md-real-${n}.txt`), "utf8");

/** The synthetic meta-data the fixtures were made from: size, max-peers, [node-id, bit ranges]. */
const CASES: [string, number, number, [number, [number, number][]][]][] = [
  ["a", GIB, 1, [[1, [[0, 2304]]]]],
  [
    "b",
    GIB,
    2,
    [
      [
        1,
        [
          [5, 6],
          [100, 4000],
          [70000, 70001],
        ],
      ],
      [2, [[0, 262144]]],
    ],
  ],
  [
    "c",
    GIB / 2,
    2,
    [
      [
        0,
        [
          [33, 97],
          [1000, 1003],
          [50000, 60000],
          [131000, 131072],
        ],
      ],
      [2, [[64, 128]]],
    ],
  ],
  [
    "d",
    GIB / 2,
    3,
    [
      [0, [[1, 2]]],
      [
        2,
        [
          [0, 31],
          [40, 41],
          [4000, 9000],
        ],
      ],
      [3, [[500, 131072]]],
    ],
  ],
];

function synthetic(size: number, maxPeers: number, peers: [number, [number, number][]][]) {
  const md = freshMetaData(size, maxPeers);
  md.nodeId = 1;
  md.laSizeSect = md.dataSize / 512;
  md.current = 0x1234n;
  md.consistent = true;
  for (const [id, ranges] of peers) {
    allocateBitmapIndex(md, id);
    const p = peerMd(md, id);
    p.bitmapUuid = 0x99n + BigInt(id);
    for (const [s, e] of ranges) p.bitmap.setRange(s, e);
  }
  return md;
}

const body = (s: string) => s.split("\n").slice(3).join("\n");

describe("dump-md format, against the real drbdmeta", () => {
  for (const [name, size, maxPeers, peers] of CASES)
    it(`case ${name}: ${size / 1024 ** 2} MiB, max-peers ${maxPeers}`, () => {
      const md = synthetic(size, maxPeers, peers);
      const disk = { size: () => size } as unknown as BlockDevice;
      const ours = dumpText(md, disk, false, { argv: ["drbdmeta"], hostname: "x", wallMs: 0, force: false }, false);
      const lines = ours.split("\n");
      // 9.27+: `members` right after `flags`
      expect(lines[lines.findIndex((l) => l.startsWith("flags 0x")) + 1]).toBe("members 0x0000000000000000;");
      expect(body(lines.filter((l) => !l.startsWith("members ")).join("\n"))).toBe(body(fixture(name)));
    });

  it("a bitmap that differs by one bit gives another dump (the comparison can fail)", () => {
    const [, size, maxPeers, peers] = CASES[1] as (typeof CASES)[number];
    const md = synthetic(size, maxPeers, peers);
    peerMd(md, 1).bitmap.setRange(200000, 200001);
    const disk = { size: () => size } as unknown as BlockDevice;
    const ours = dumpText(md, disk, false, { argv: ["drbdmeta"], hostname: "x", wallMs: 0, force: false }, false);
    expect(body(ours.replace(/^members .*\n/m, ""))).not.toBe(body(fixture("b")));
  });

  it("fprintf_bm: runs of more than 8 equal 32-bit words are counted in 64-bit words, bits-set per peer", () => {
    const one = new Uint32Array(64).fill(0xffffffff);
    expect(fprintfBm(one, 1, 0)).toEqual({
      text: "{\n   # at 0kB\n    32 times 0xFFFFFFFFFFFFFFFF;\n}\n",
      bitsSet: 2048,
    });
    // exactly 8 equal words are printed one by one (tmp > WPL)
    const eight = new Uint32Array(8);
    expect(fprintfBm(eight, 1, 0).text).toBe(
      "{\n   # at 0kB\n    0x0000000000000000; 0x0000000000000000; 0x0000000000000000; 0x0000000000000000;\n}\n",
    );
  });
});

const PEER_HDR = "peer[1] {\n    bitmap-index 0;\n";

describe("drbdadm dump-md / drbdmeta dump-md on the lab", () => {
  it("refused while attached (unclean AL), forced dump is marked; after down the dump is clean", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    const refused = await kit.sh("node1", "drbdadm dump-md r0");
    expect(refused).toEqual({
      out: "",
      err:
        'Found meta data is "unclean", please apply-al first\n' +
        "# Output might be stale, since minor 0 is attached\n" +
        "Command 'drbdmeta 0 v09 /dev/sda1 internal dump-md' terminated with exit code 255\n",
      code: 255,
    });
    expect(await kit.sh("node1", "drbdmeta 0 v09 /dev/sda1 internal dump-md")).toEqual({
      out: "",
      err: 'Found meta data is "unclean", please apply-al first\n# Output might be stale, since minor 0 is attached\n',
      code: 255,
    });
    const forced = await kit.sh("node1", "drbdadm --force dump-md r0");
    expect(forced.code).toBe(0);
    expect(forced.err).toBe(
      'Found meta data is "unclean", please apply-al first\n# Output might be stale, since minor 0 is attached\n',
    );
    expect(forced.out).toMatch(
      /^# DRBD meta data dump\n# \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 \[\d+\]\n# node1> drbdmeta --force 0 v09 \/dev\/sda1 internal dump-md\n#\n\nversion "v09";\n\nThis_is_an_unclean_meta_data_dump\._Don't_trust_the_bitmap\.\n# You should "apply-al" first, if you plan to restore this\.\n\nmax-peers 1;\n# md_size_sect 136\n# md_offset 1073737728\n# al_offset 1073704960\n# bm_offset 1073672192\n\nnode-id 0;\n/,
    );
    // attached, Primary, connected: AL not clean, PRIMARY_IND, HAVE_QUORUM; both nodes are members
    expect(forced.out).toMatch(/\nflags 0x00000413;\nmembers 0x0000000000000003;\n/);
    expect(forced.out).toContain(`${PEER_HDR}    bitmap-uuid 0x0000000000000000;\n`);
    expect(forced.out).toContain("    flags 0x00010011; # connected | seen | exists\n");

    await kit.sh("node2", "drbdadm disconnect r0");
    await kit.sh("node1", "dd if=/dev/zero of=/dev/drbd0 bs=1M count=9 oflag=direct");
    await kit.sh("node1", "drbdadm down r0");
    const clean = await kit.sh("node1", "drbdadm dump-md r0");
    expect(clean.err).toBe("");
    expect(clean.code).toBe(0);
    // consistent | was-up-to-date | al-clean | have-quorum; alone after the disconnect
    expect(clean.out).toMatch(
      /\nnode-id 0;\ncurrent-uuid 0x[0-9A-F]{16};\nflags 0x00000491;\nmembers 0x0000000000000001;\n/,
    );
    expect(clean.out).toMatch(/peer\[1\] \{\n {4}bitmap-index 0;\n {4}bitmap-uuid 0x(?!0{16})[0-9A-F]{16};\n/);
    expect(clean.out).toContain("    flags 0x00010010; # seen | exists\n");
    expect(clean.out).toContain(
      "# al-extents 1237;\nla-size-sect 2097016;\nbm-byte-per-bit 4096;\ndevice-uuid 0x0000000000000000;\nla-peer-max-bio-size 1048576;\nal-stripes 1;\nal-stripe-size-4k 8;\n# bm-bytes 32768;\n",
    );
    // 9 MiB written while disconnected: 2304 bits, 36 words of ones
    expect(clean.out).toMatch(
      /bitmap\[0\] \{\n {3}# at 0kB\n {4}36 times 0xFFFFFFFFFFFFFFFF;\n {4}4060 times 0x0000000000000000;\n\}\n# bits-set 2304;\n$/,
    );
    // node-id -1 and bitmap-index -1 only belong to a fresh create-md
    expect(clean.out).not.toContain("node-id -1;");
  });

  it("a Primary that crashed leaves the AL unclean: dump-md asks for apply-al, then dumps", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    // the configuration is moved away so that the entrypoint's `drbdadm up all` leaves r0 down
    await kit.sh("node1", "mv /etc/drbd.d/r0.res /root/r0.res");
    await kit.sh("host", "docker stop drbd-node1 --time=0");
    await kit.sh("host", "docker start drbd-node1");
    await kit.sh("node1", "mv /root/r0.res /etc/drbd.d/r0.res");
    expect((await kit.sh("node1", "drbdadm role r0")).code).not.toBe(0);
    expect(await kit.sh("node1", "drbdadm dump-md r0")).toEqual({
      out: "",
      err:
        'Found meta data is "unclean", please apply-al first\n' +
        "Command 'drbdmeta 0 v09 /dev/sda1 internal dump-md' terminated with exit code 255\n",
      code: 255,
    });
    expect((await kit.sh("node1", "drbdadm apply-al r0")).code).toBe(0);
    const r = await kit.sh("node1", "drbdadm dump-md r0");
    expect(r.err).toBe("");
    // AL clean again, PRIMARY_IND still set (the kernel makes it a crashed primary at attach)
    expect(r.out).toMatch(/\nflags 0x00000493;\n/);
  });

  it("a fresh create-md: node-id -1, no bitmap slot, la-size-sect 0, empty bitmap", async () => {
    const kit = await makeKit();
    await kit.sh("node1", "drbdadm create-md r0");
    const r = await kit.sh("node1", "drbdmeta 0 v09 /dev/sda1 internal dump-md");
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toContain(
      "node-id -1;\ncurrent-uuid 0x0000000000000004;\nflags 0x00000080;\nmembers 0x0000000000000000;\npeer[0] {\n    bitmap-index -1;\n",
    );
    expect(r.out).toContain("# al-extents 257;\nla-size-sect 0;\n");
    expect(r.out).toMatch(/# bm-bytes 0;\nbitmap\[0\] \{\n\}\n# bits-set 0;\n$/);
    expect(r.out.split("\n")[2]).toBe("# node1> drbdmeta 0 v09 /dev/sda1 internal dump-md");
  });

  it("dry run passes --force on after the command, as drbdadm does", async () => {
    const kit = await makeKit();
    expect((await kit.sh("node1", "drbdadm -d dump-md r0")).out).toBe("drbdmeta 0 v09 /dev/sda1 internal dump-md\n");
    expect((await kit.sh("node1", "drbdadm -d --force wipe-md r0")).out).toBe(
      "drbdmeta 0 v09 /dev/sda1 internal wipe-md --force\n",
    );
  });
});

describe("wipe-md", () => {
  const Q = "\nDo you really want to wipe out the DRBD meta data?\n";
  it("refused while attached, asks for 'yes', wipes; attach then finds no meta-data", async () => {
    const kit = await makeKit();
    await syncedPair(kit);
    expect(await kit.sh("node2", "drbdmeta 0 v09 /dev/sda1 internal wipe-md")).toEqual({
      out: "",
      err: "Device '0' is configured!\n",
      code: 20,
    });
    expect((await kit.sh("node2", "drbdmeta /dev/drbd0 v09 /dev/sda1 internal wipe-md")).err).toBe(
      "Device '/dev/drbd0' is configured!\n",
    );
    expect(await kit.sh("node2", "drbdadm wipe-md r0")).toEqual({
      out: "",
      err: "Device '0' is configured!\nCommand 'drbdmeta 0 v09 /dev/sda1 internal wipe-md' terminated with exit code 20\n",
      code: 20,
    });
    await kit.sh("node2", "drbdadm down r0");
    // no answer, or anything but "yes": cancelled, the meta-data stays
    expect(await kit.sh("node2", "drbdadm wipe-md r0")).toEqual({
      out: "Operation cancelled.\n",
      err: `${Q}[need to type 'yes' to confirm] \n`,
      code: 1,
    });
    expect((await kit.sh("node2", "echo yess | drbdadm wipe-md r0")).code).toBe(1);
    expect((await kit.sh("node2", "drbdadm dump-md r0")).code).toBe(0);
    expect(await kit.sh("node2", "echo yes | drbdadm wipe-md r0")).toEqual({
      out: "Wiping meta data...\nDRBD meta data block successfully wiped out.\n",
      err: `${Q}[need to type 'yes' to confirm] \n`,
      code: 0,
    });
    expect(await kit.sh("node2", "drbdmeta 0 v09 /dev/sda1 internal dump-md")).toEqual({
      out: "",
      err: "No valid meta data found\n",
      code: 255,
    });
    expect(await kit.sh("node2", "drbdadm wipe-md r0")).toEqual({
      out: "",
      err: "There appears to be no drbd meta data to wipe out?\n",
      code: 0,
    });
    const up = await kit.sh("node2", "drbdadm up r0");
    expect(up.code).not.toBe(0);
    expect(up.err).toContain("No valid meta data found\n");
  });

  it("--force answers the question itself", async () => {
    const kit = await makeKit();
    await kit.sh("node1", "drbdadm create-md r0");
    expect(await kit.sh("node1", "drbdadm --force wipe-md r0")).toEqual({
      out: "Wiping meta data...\nDRBD meta data block successfully wiped out.\n",
      err: `${Q}*** confirmation forced via --force option ***\n`,
      code: 0,
    });
    expect((await kit.sh("node1", "drbdadm attach r0")).code).not.toBe(0);
  });
});
