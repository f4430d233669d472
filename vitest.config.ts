import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// The SDK warns on Node 20 (Lambda runs 22); the warning would bury test output. Set before any
// worker or the global setup loads the SDK.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";

export default defineConfig({
  // Workspace packages from their TypeScript source, not a build (see packages/client/package.json);
  // otherwise Vitest's own defaults (Vite's, less "module").
  ssr: { resolve: { conditions: ["@users/source", ...defaultServerConditions.filter((condition) => condition !== "module")] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "infra/test/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["packages/local/test/global-setup.ts"],
    typecheck: { enabled: true, include: ["packages/*/test/**/*.test-d.ts"], tsconfig: "tsconfig.json" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
