import { describe, expect, it } from "vitest";
import { parseBenchmarkOutput } from "./benchmark-parse";

const OUT = `Resource r0 sur node1 - protocole A - netem delay 50ms
DRBD Benchmark - Protocol A

Results - Protocol A
  Throughput     : 212 MB/s
  Latency (avg)  : 0.42 ms
  Latency (p99)  : 0.97 ms
`;

describe("parseBenchmarkOutput", () => {
  it("reads protocol, throughput, latency and the netem delay", () => {
    expect(parseBenchmarkOutput("/scripts/benchmark.sh write", OUT)).toEqual({
      protocol: "A",
      throughputMBs: 212,
      latencyMs: 0.42,
      params: { mode: "write", netem: "delay 50ms", latencyP99Ms: 0.97 },
    });
  });

  it("ignores other commands and incomplete or read-mode outputs", () => {
    expect(parseBenchmarkOutput("cat bench.txt", OUT)).toBeUndefined();
    expect(
      parseBenchmarkOutput("/scripts/benchmark.sh read", "Results - Read\n  Throughput     : 500 MB/s\n"),
    ).toBeUndefined();
    expect(
      parseBenchmarkOutput("/scripts/benchmark.sh write", OUT.replace(/ {2}Latency \(avg\).*\n/, "")),
    ).toBeUndefined();
  });
});
