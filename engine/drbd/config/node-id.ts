/**
 * Implicit node ids of a two-node DRBD 9 config without `node-id` statements.
 * drbd-utils (U9 drbdadm_postparse.c `_set_host_info_in_host_address_pairs` and
 * `generate_implicit_node_id`) hashes each host's address string with CRC32C — the reflected
 * Castagnoli table of drbdtool_common.c, seed 0x1a656f21, no final inversion — and compares the
 * two hashes as signed 32-bit ints: the host with the larger hash gets node-id 0, the other 1.
 * Equal hashes (same address twice) make drbdadm print "BAD LUCK, equal hashes" and exit 20.
 */
const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32c(seed: number, data: string): number {
  let crc = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    const byte = data.charCodeAt(i) & 0xff;
    crc = ((TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8)) >>> 0;
  }
  return crc;
}

/** The signed hash drbdadm compares (`int addr_hash[2]`). */
export function addressHash(addr: string): number {
  return crc32c(0x1a656f21, addr) | 0;
}

/** Node ids for [first host, second host] in config order, or null on equal hashes. */
export function implicitNodeIds(addr0: string, addr1: string): [number, number] | null {
  const h0 = addressHash(addr0);
  const h1 = addressHash(addr1);
  if (h0 > h1) return [0, 1];
  if (h0 < h1) return [1, 0];
  return null;
}
