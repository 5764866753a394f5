// The HTTP server of `npm start` (spawned by scripts/start.ts): Next.js behind lib/server/front.ts,
// which takes the client address from the socket (TRUSTED_PROXIES), limits request bodies, checks
// origins and content types and sets the security headers. Settings are read once, here.
// Behind the same checks, a lab command, Ctrl-C and a wait go straight to the lab API's handlers
// (lib/server/lab-routes.ts); every other request goes to Next.
import { createServer } from "node:http";
import next from "next";
import { createFrontHandler, frontOptionsFromEnv } from "../lib/server/front";
import { withLabRoutes } from "../lib/server/lab-routes";

const port = Number(process.env.PORT?.trim() || "3000");
const hostname = process.env.HOSTNAME?.trim() || "0.0.0.0";
const options = frontOptionsFromEnv();

const app = next({ dev: false, dir: process.cwd(), hostname, port });
await app.prepare();
const handle = app.getRequestHandler();
// after Next has set up its request context (the auth module reads next/headers at import)
const { labApi } = await import("../lib/labs/server");
const server = createServer(
  createFrontHandler(
    options,
    withLabRoutes(labApi, (req, res) => handle(req, res)),
  ),
);
server.listen(port, hostname, () => {
  const proxies = options.trustedProxies.length ? options.trustedProxies.join(", ") : "aucun";
  console.log(`▸ Prêt sur http://${hostname}:${port} (proxys de confiance : ${proxies})`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
