/**
 * Command vocabulary for property tests, extensible: each area registers a provider that
 * lists what a learner may type (right or wrong) for a given set of nodes.
 */
export interface Move {
  target: string;
  line: string;
}

export type VocabularyProvider = (nodes: readonly string[]) => Move[];

const providers = new Map<string, VocabularyProvider>();

export function registerVocabulary(name: string, provider: VocabularyProvider): void {
  providers.set(name, provider);
}

export function vocabulary(nodes: readonly string[], names?: string[]): Move[] {
  const out: Move[] = [];
  for (const [name, p] of providers) if (!names || names.includes(name)) out.push(...p(nodes));
  return out;
}

/** The world's own moves: container life-cycle, network faults, time, shell basics. */
registerVocabulary("world", (nodes) => {
  const out: Move[] = [];
  for (const n of nodes) {
    const others = nodes.filter((x) => x !== n);
    out.push(
      { target: "host", line: `docker stop drbd-${n} --time=0` },
      { target: "host", line: `docker stop drbd-${n}` },
      { target: "host", line: `docker start drbd-${n}` },
      { target: "host", line: `docker restart drbd-${n}` },
      { target: "host", line: `docker kill drbd-${n}` },
      { target: "host", line: `docker exec drbd-${n} hostname` },
      { target: "host", line: `docker exec -it drbd-${n} bash` },
      { target: "host", line: "exit" },
      { target: n, line: "tc qdisc add dev eth0 root netem delay 50ms 10ms loss 5%" },
      { target: n, line: "tc qdisc change dev eth0 root netem delay 200ms" },
      { target: n, line: "tc qdisc del dev eth0 root" },
      { target: n, line: "iptables -F" },
      { target: n, line: "iptables -L -n" },
      { target: n, line: "ip link set eth0 down" },
      { target: n, line: "ip link set eth0 up" },
      { target: n, line: "sleep 2" },
      { target: n, line: "su - postgres" },
      { target: n, line: "exit" },
      { target: n, line: "cd /tmp && X=$RANDOM" },
      { target: n, line: "ps aux; free -m; dmesg | tail -2" },
    );
    for (const p of others) {
      const ip = `172.28.0.${10 + Number(p.replace("node", ""))}`;
      out.push(
        { target: n, line: `iptables -A INPUT -s ${ip} -j DROP` },
        { target: n, line: `iptables -I OUTPUT -d ${ip} -p tcp --dport 7788 -j REJECT` },
        { target: n, line: `ping -c 2 -W 1 ${p}` },
      );
    }
  }
  out.push(
    { target: "host", line: "cd ~/drbd-workshop && docker-compose ps" },
    { target: "host", line: "cd ~/drbd-workshop && docker-compose up -d" },
  );
  return out;
});
