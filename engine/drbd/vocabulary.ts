/**
 * Command vocabulary for property tests: what a learner may type about DRBD on any node,
 * including the mistakes (promoting the wrong node, disconnecting mid-sync, crashing nodes,
 * promoting the other side of a network partition).
 */
export function drbdVocabulary(nodes: readonly string[]): { target: string; line: string }[] {
  const out: { target: string; line: string }[] = [];
  const peersOf = (n: string) => nodes.filter((x) => x !== n);
  for (const n of nodes) {
    for (const line of [
      "drbdadm up r0",
      "drbdadm down r0",
      "drbdadm primary r0",
      "drbdadm primary --force r0",
      "drbdadm secondary r0",
      "drbdadm connect r0",
      "drbdadm connect --discard-my-data r0",
      "drbdadm disconnect r0",
      "drbdadm invalidate r0",
      "drbdadm invalidate-remote r0",
      "drbdadm pause-sync r0",
      "drbdadm resume-sync r0",
      "drbdadm detach r0",
      "drbdadm attach r0",
      "drbdadm adjust r0",
      "drbdadm outdate r0",
      "drbdadm status r0 --verbose --statistics",
      "drbdadm dstate r0",
      "drbdsetup events2 --now",
      "sleep 3",
      "sleep 12",
    ])
      out.push({ target: n, line });
    for (const p of peersOf(n)) {
      const ip = `172.28.0.${10 + Number(p.replace("node", ""))}`;
      out.push({ target: n, line: `iptables -A INPUT -s ${ip} -j DROP` });
      // a partition long enough for both sides to notice (ping-int + ping-timeout): single
      // steps rarely line up "cut, wait, promote the other side, heal" in a short sequence
      out.push({ target: n, line: `iptables -A INPUT -s ${ip} -j DROP; sleep 11` });
    }
    out.push({ target: n, line: "iptables -F" });
    out.push({ target: n, line: "iptables -F; sleep 3" });
    out.push({ target: "host", line: `docker stop drbd-${n} --time=0` });
    out.push({ target: "host", line: `docker start drbd-${n}` });
  }
  return out;
}
