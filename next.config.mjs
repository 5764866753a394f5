/** @type {import("next").NextConfig} */
const nextConfig = {
  // forbidden() → app/forbidden.tsx with a real 403 status.
  experimental: { authInterrupts: true },
  // Native / WASM modules stay in node_modules instead of being bundled.
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "@prisma/client",
    "prisma",
    // the lab engine's shell: its optional compression modules are not installed
    "just-bash",
  ],
  poweredByHeader: false,
  // `npm test` runs `tsc --noEmit` on the whole repository before building; checking again
  // here would only add time to every build (and to `npm start`).
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
};

export default nextConfig;
