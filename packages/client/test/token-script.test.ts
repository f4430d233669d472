import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { loadOrCreateIssuerKey } from "../../local/src/auth";

// `npm run token` as a script in another project calls it: from a folder outside the repository.
const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const token = (...args: string[]) => run("npm", ["run", "-s", "--prefix", repoRoot, "token", "--", ...args], { cwd: tmpdir() }).then((result) => result.stdout.trim());

describe("npm run token from outside the repository", () => {
  it("prints a token with the asked scopes", async () => {
    const jwt = await token("--sub", "script", "--scope", "users:read");
    const [, payload] = jwt.split(".");
    expect(jwt.split(".")).toHaveLength(3);
    expect(JSON.parse(Buffer.from(payload ?? "", "base64url").toString())).toMatchObject({ sub: "script", scope: "users:read", aud: "users-api-local" });
  });

  it("prints the local issuer's client-credentials settings for clientCredentialsToken", async () => {
    const lines = (await token("--client-credentials")).split("\n");
    expect(lines).toEqual([expect.stringMatching(/^TOKEN_URL=http:\/\/127\.0\.0\.1:\d+\/oauth2\/token$/), "CLIENT_ID=local-client", expect.stringMatching(/^CLIENT_SECRET=[\w-]{20,}$/)]);
  });

  it("signs with the key of the runtime's data folder given by --data-dir, not the default one", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "users-token-data-"));
    try {
      const jwt = await token("--data-dir", dataDir, "--sub", "elsewhere");
      const key = await loadOrCreateIssuerKey(dataDir);
      const { payload } = await jwtVerify(jwt, createLocalJWKSet({ keys: [key.publicJwk] }), { audience: "users-api-local" });
      expect(payload.sub).toBe("elsewhere");
      const defaultKey = await loadOrCreateIssuerKey(join(repoRoot, ".data"));
      await expect(jwtVerify(jwt, createLocalJWKSet({ keys: [defaultKey.publicJwk] }))).rejects.toThrow();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
