/** Conversions between just-bash's FileContent/encodings and bytes. */
import type { BufferEncoding, FileContent, IFileSystem } from "just-bash";

type ReadFileOptions = Exclude<Parameters<IFileSystem["readFile"]>[1], BufferEncoding | undefined>;
type WriteFileOptions = Exclude<Parameters<IFileSystem["writeFile"]>[2], BufferEncoding | undefined>;

const utf8Enc = new TextEncoder();
const utf8Dec = new TextDecoder();

export function encodingOf(
  options?: ReadFileOptions | WriteFileOptions | BufferEncoding | null,
): BufferEncoding | null {
  if (options === undefined || options === null) return "utf8";
  if (typeof options === "string") return options;
  return options.encoding === undefined ? "utf8" : options.encoding;
}

export function toBytes(content: FileContent, options?: WriteFileOptions | BufferEncoding): Uint8Array {
  // A private copy: the device keeps references to written buffers, the caller may reuse its own.
  if (content instanceof Uint8Array) return content.slice();
  const e = encodingOf(options);
  switch (e) {
    case "binary":
    case "latin1":
    case "ascii": {
      const out = new Uint8Array(content.length);
      for (let i = 0; i < content.length; i++) out[i] = content.charCodeAt(i) & 0xff;
      return out;
    }
    case "hex": {
      const n = Math.floor(content.length / 2);
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = Number.parseInt(content.slice(2 * i, 2 * i + 2), 16) || 0;
      return out;
    }
    case "base64": {
      const bin = atob(content);
      return toBytes(bin, "binary");
    }
    default:
      return utf8Enc.encode(content);
  }
}

export function fromBytes(bytes: Uint8Array, options?: ReadFileOptions | BufferEncoding): string {
  const e = encodingOf(options);
  switch (e) {
    case "binary":
    case "latin1":
    case "ascii": {
      let s = "";
      for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
      return s;
    }
    case "hex":
      return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    case "base64":
      return btoa(fromBytes(bytes, "binary"));
    default:
      return utf8Dec.decode(bytes);
  }
}
