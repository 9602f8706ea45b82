/**
 * Next.js config. Kept minimal on purpose: the editor imports browser-safe engine modules (specs,
 * sdk, flow schema, protocol) whose relative imports are extensionless TypeScript, which Next's
 * bundler resolves without help. The custom server (server.ts) hosts Next and socket.io together.
 *
 * @type {import('next').NextConfig}
 */
const nextConfig = {
  reactStrictMode: true,
  // The dataflow editor is a tool, not a public site: no "Powered by" header to advertise.
  poweredByHeader: false,
};

export default nextConfig;
