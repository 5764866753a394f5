/**
 * Reads an NDJSON body (one JSON object per line) as it arrives: `onLine` gets each object and
 * returns the value to finish with (the last message), or undefined to read on. Resolves with
 * that value, or undefined when the stream ended before it.
 */
export async function readNdjson<T, R>(
  body: ReadableStream<Uint8Array>,
  onLine: (message: T) => R | undefined,
): Promise<R | undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buf += decoder.decode(value, { stream: true });
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      const m = JSON.parse(buf.slice(0, i)) as T;
      buf = buf.slice(i + 1);
      const end = onLine(m);
      if (end !== undefined) return end;
    }
    if (done) return undefined;
  }
}
