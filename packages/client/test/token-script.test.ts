import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

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
});
