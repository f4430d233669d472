import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

/**
 * The console's runtime settings (VITE_API_URL, VITE_ISSUER, VITE_CLIENT_ID, VITE_SCOPES) come from
 * the environment at build time: `npm run dev` passes the offline runtime's, SST's StaticSite its own.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react()],
  // The workspace's own packages are read from source (their `@users/source` export), not a build.
  resolve: { conditions: ["@users/source", ...defaultClientConditions] },
  // Transformed as the dev server starts, so the first visit does not wait for them.
  server: { host: "127.0.0.1", warmup: { clientFiles: ["./src/main.tsx", "./src/features/**/*.tsx"] } },
  // Named up front so the dev server never finds a dependency late (in a lazy screen) and reloads the page.
  optimizeDeps: { include: ["react", "react/jsx-runtime", "react-dom/client", "@tanstack/react-query", "oauth4webapi", "zod", "hono/client"] },
  preview: { host: "127.0.0.1" },
  build: {
    // The bench reads the entry's static imports from the manifest to weigh the initial JavaScript.
    manifest: true,
    target: "es2022",
    // Every browser that runs this supports modulepreload: the polyfill would be dead weight.
    modulePreload: { polyfill: false },
  },
});
