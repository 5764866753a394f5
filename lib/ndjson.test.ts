import { describe, expect, it } from "vitest";
import { readNdjson } from "./ndjson";

function body(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const x of chunks) c.enqueue(enc.encode(x));
      c.close();
    },
  });
}

describe("readNdjson", () => {
  it("parses lines split across chunks, in order, and stops at the final message", async () => {
    const seen: unknown[] = [];
    const end = await readNdjson(
      body(['{"n":1}\n{"n"', ':2}\n{"end":"é', 'té"}\n{"n":9}\n']),
      (m: { n?: number; end?: string }) => {
        if (m.end) return m.end;
        seen.push(m.n);
        return undefined;
      },
    );
    expect(seen).toEqual([1, 2]);
    expect(end).toBe("été");
  });

  it("answers undefined when the stream ends before a final message", async () => {
    expect(await readNdjson(body(['{"n":1}\n', '{"n":2}']), () => undefined)).toBeUndefined();
  });
});
