/**
 * @users/client as another project gets it: `npm pack` (which builds dist/), then the tarball
 * installed into scratch projects in a temp folder outside the repository, each with its own
 * tsconfig and nothing added for the client:
 *
 *   vite-react-ts  the tsconfig.app.json `npm create vite` writes for react-ts
 *   nodenext       `tsc --init` (module nodenext, strict, exactOptionalPropertyTypes), for Node
 *   javascript     plain ESM JavaScript, checked with checkJs, and run against the offline API
 *
 * Fixtures: test/consumer/ (the sources, and each project's tsconfig). Every install comes from
 * npm's cache (`--prefer-offline`); the consumer's compiler is the repo's own tsc.
 */
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { declarationImports } from "../scripts/build";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const fixtures = fileURLToPath(new URL("consumer/", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const tsc = join(dirname(require.resolve("typescript/package.json")), "bin/tsc");
/** The repo's own versions, so npm finds them in its cache. */
const versionOf = (name: string) => (require(`${name}/package.json`) as { version: string }).version;

interface Project {
  name: string;
  /** Its tsconfig (relative to the project); the clean file goes in src/, the mistakes in mistakes/. */
  tsconfig: string;
  sources: { clean: string; mistakes: string };
  devDependencies: string[];
}

const projects: Project[] = [
  { name: "vite-react-ts", tsconfig: "tsconfig.app.json", sources: { clean: "every-route.ts", mistakes: "mistakes.ts" }, devDependencies: [`vite@${versionOf("vite")}`] },
  { name: "nodenext", tsconfig: "tsconfig.json", sources: { clean: "every-route.ts", mistakes: "mistakes.ts" }, devDependencies: [`@types/node@${versionOf("@types/node")}`] },
  { name: "javascript", tsconfig: "tsconfig.json", sources: { clean: "every-route.js", mistakes: "mistakes.js" }, devDependencies: [`@types/node@${versionOf("@types/node")}`] },
];

let scratch: string;
let tarball: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "users-client-consumers-"));
  // prepack builds dist/ first, so the tarball is always today's code.
  const { stdout } = await run("npm", ["pack", "-w", "@users/client", "--json", "--pack-destination", scratch], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf("["))) as { filename: string }[];
  tarball = join(scratch, packed!.filename);
  await Promise.all(projects.map(install));
}, 600_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function install(project: Project): Promise<void> {
  const dir = join(scratch, project.name);
  await cp(join(fixtures, project.name), dir, { recursive: true });
  await mkdir(join(dir, "src"));
  await mkdir(join(dir, "mistakes"));
  await cp(join(fixtures, project.sources.clean), join(dir, "src", project.sources.clean));
  await cp(join(fixtures, project.sources.mistakes), join(dir, "mistakes", project.sources.mistakes));
  await writeFile(join(dir, "tsconfig.mistakes.json"), JSON.stringify({ extends: `./${project.tsconfig}`, include: ["mistakes"] }));
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: `consumer-${project.name}`, private: true, type: "module" }));
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", tarball, ...project.devDependencies], { cwd: dir });
}

/** `tsc --noEmit -p <config>` in a scratch project: its errors as "file:line TScode". */
async function compile(project: Project, tsconfig: string): Promise<string[]> {
  const result = await run(process.execPath, [tsc, "--noEmit", "--pretty", "false", "-p", tsconfig], { cwd: join(scratch, project.name) }).catch(
    (error: { stdout?: string; stderr?: string; code?: number }) => {
      // Errors found exit non-zero with them on stdout; anything else is tsc failing to run.
      if (!/error TS\d+/.test(error.stdout ?? "")) throw new Error(`tsc failed to run (${error.code}): ${error.stderr ?? ""}${error.stdout ?? ""}`);
      return { stdout: error.stdout ?? "" };
    },
  );
  return [...result.stdout.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+):/gm)].map(([, file, line, code]) => `${file}:${line} ${code}`);
}

/** The `// error TSxxxx` marks of a mistakes fixture, as `compile` reports errors. */
async function markedErrors(project: Project): Promise<string[]> {
  const lines = (await readFile(join(fixtures, project.sources.mistakes), "utf8")).split("\n");
  return lines.flatMap((text, index) => {
    const mark = /\/\/ error (TS\d+)$/.exec(text);
    return mark ? [`mistakes/${project.sources.mistakes}:${index + 1} ${mark[1]}`] : [];
  });
}

describe("the packed tarball", () => {
  it("holds ESM JavaScript and one declaration file, and depends on hono alone", async () => {
    const { stdout } = await run("tar", ["-tzf", tarball]);
    expect(stdout.trim().split("\n").sort()).toEqual(["package/README.md", "package/dist/index.d.ts", "package/dist/index.js", "package/package.json"]);

    const installed = join(scratch, "nodenext/node_modules/@users/client");
    const manifest = JSON.parse(await readFile(join(installed, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest.type).toBe("module");
    expect(Object.keys(manifest.dependencies as object)).toEqual(["hono"]);

    const types = await readFile(join(installed, "dist/index.d.ts"), "utf8");
    expect(declarationImports(types)).toEqual(["hono/client", "hono/utils/http-status"]);
    expect(types).not.toMatch(/@users\/|zod|@aws-sdk|node:|Buffer|AppType/);
  });
});

describe.each(projects)("a $name project", (project) => {
  it("compiles a file that calls every route, with no error", async () => {
    expect(await compile(project, project.tsconfig)).toEqual([]);
  });

  it("rejects each deliberate mistake with exactly its error", async () => {
    const expected = await markedErrors(project);
    expect(expected.length).toBeGreaterThanOrEqual(6);
    expect(await compile(project, "tsconfig.mistakes.json")).toEqual(expected);
  });
});

describe("a plain JavaScript script against the running offline API", () => {
  it("creates, reads, lists, likes, uploads an avatar, and gets a 404 and a 412 as ApiErrors", async () => {
    const { stdout } = await run(process.execPath, ["src/every-route.js"], {
      cwd: join(scratch, "javascript"),
      env: {
        ...process.env,
        API_URL: inject("apiUrl"),
        TOKEN_URL: `${inject("issuerUrl")}/oauth2/token`,
        CLIENT_ID: inject("issuerClientId"),
        CLIENT_SECRET: inject("issuerClientSecret"),
      },
    });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result).toEqual({
      created: { username: expect.stringMatching(/^js_/), version: 1, likes: 0 },
      got: { id: true, username: (result.created as { username: string }).username },
      listed: 1,
      liked: "accepted",
      avatar: { method: "POST", expiresAt: "string" },
      notFound: { status: 404, title: "Not Found" },
      stale: { status: 412, title: "Precondition Failed" },
      deleted: 204,
    });
  });
});
