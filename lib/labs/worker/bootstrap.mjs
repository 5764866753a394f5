// Starts a lab worker from its TypeScript sources through tsx's loader (dev server, vitest;
// `next start` runs the bundle .next/lab-worker.mjs that `npm run build` makes instead).
import { register } from "tsx/esm/api";

register();
await import("./entry.ts");
