/**
 * One synth, in its own process (Pulumi's runtime and SST's components keep global state):
 * evaluates `app()`, then runs `run()` through SST's real platform code under Pulumi's mocks, with
 * the CLI's RPC server stubbed on loopback. Writes what the program registered to the file named
 * by `--out`. Usage: `tsx infra/synth/program.ts --stage prod [--dev] --out result.json`.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { bundleApp, bundleRun } from "./bundle";
import { createMocks } from "./mocks";
import { platformDir, root, workDir } from "./paths";
import type { RawResource, RawSynth } from "./raw";
import { startRpcServer } from "./rpc";

/** What the synth uses of @pulumi/pulumi: the platform's copy, loaded at run time (the project does not depend on it). */
interface Pulumi {
  runtime: {
    setMocks(mocks: object, project: string, stack: string, preview: boolean): Promise<void>;
    runInPulumiStack(init: () => Promise<unknown>): Promise<unknown>;
    rootPulumiStackTypeName: string;
  };
}

const { values } = parseArgs({ options: { stage: { type: "string" }, dev: { type: "boolean" }, out: { type: "string" } } });
const stage = values.stage!;
const dev = Boolean(values.dev);
const id = `${stage}-${dev ? "dev-" : ""}${process.pid}`;
const scratch = join(workDir, "synth", id);

const result: RawSynth = { stage, dev, app: {}, resources: [], calls: [], rpc: [], outputs: {}, errors: [] };
const started = performance.now();
/** SYNTH_TRACE=1: when each step happened, on stderr. */
const trace = (what: string) => {
  if (process.env.SYNTH_TRACE) process.stderr.write(`[synth ${((performance.now() - started) / 1000).toFixed(2)}s] ${what}\n`);
};
const fail = (error: unknown) => result.errors.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
process.on("unhandledRejection", fail);
process.on("uncaughtException", fail);

// Done when nothing is left to run: every apply, RPC and registration has settled.
let written = false;
process.on("beforeExit", () => {
  if (written) return;
  written = true;
  trace("drained");
  rmSync(scratch, { recursive: true, force: true });
  writeFileSync(values.out!, JSON.stringify(result));
  process.exitCode = result.errors.length ? 1 : 0;
});

try {
  mkdirSync(scratch, { recursive: true });
  const app = await evaluateApp();
  trace("app() evaluated");
  result.app = app;
  await runProgram(app);
} catch (error) {
  fail(error);
}

/** `app({ stage })` plus the defaults the CLI fills in (pkg/project/project.go). */
async function evaluateApp() {
  const file = await bundleApp(join(platformDir, `synth-app-${id}.mjs`), stage);
  try {
    const app = (await import(pathToFileURL(file).href)).default as Record<string, any>;
    if (!app.name) throw new Error("sst.config.ts: app() returned no name");
    if (!app.home) throw new Error('sst.config.ts: app() must set a "home" provider');
    app.providers ??= {};
    app.providers[app.home] ??= {};
    app.removal ||= "retain";
    return { ...app, stage };
  } finally {
    rmSync(file, { force: true });
    rmSync(`${file}.map`, { force: true });
  }
}

async function runProgram(app: Record<string, any>) {
  const region = app.providers?.aws?.region ?? "us-east-1";
  const rpc = await startRpcServer({
    artifactsDir: join(scratch, "artifacts"),
    onCall: (call, answered) => {
      trace(`rpc ${call.method}`);
      result.rpc.push({ ...call, answered });
      if (!answered) fail(new Error(`synth: unanswered RPC ${call.method}`));
    },
  });
  process.env.SST_SERVER = rpc.url;
  process.env.SST_AWS_REGION = region;

  const pulumi = createRequire(join(platformDir, "package.json"))("@pulumi/pulumi") as Pulumi;
  const mocks = createMocks({
    region,
    onCall: (token, inputs, mocked) => {
      result.calls.push({ token, inputs, mocked });
      if (!mocked) fail(new Error(`synth: unmocked provider function ${token}`));
    },
  });
  await pulumi.runtime.setMocks(mocks, app.name, stage, false);
  recordRegistrations(pulumi);

  const cli = {
    command: dev ? "dev" : "deploy",
    dev,
    paths: { home: join(scratch, "home"), root, work: scratch, platform: platformDir },
    state: { version: {} },
  };
  const file = await bundleRun(join(platformDir, `synth-run-${id}.mjs`), app, cli, dev);
  trace("run() bundled");
  try {
    const outputs = await pulumi.runtime.runInPulumiStack(async () => (await import(pathToFileURL(file).href)).default);
    result.outputs = (outputs ?? {}) as Record<string, unknown>;
    trace("stack outputs resolved");
  } finally {
    rmSync(file, { force: true });
    rmSync(`${file}.map`, { force: true });
  }
}

/**
 * Reads each registration as the engine receives it (type, parent, options, inputs), and makes
 * URNs as the engine does: the root stack's type is not part of its children's types (the mock
 * monitor would prefix it, and SST reads a linked component's type from its URN).
 */
function recordRegistrations(pulumi: Pulumi) {
  const require = createRequire(join(platformDir, "package.json"));
  const settings = require("@pulumi/pulumi/runtime/settings");
  const { deserializeProperties } = require("@pulumi/pulumi/runtime/rpc");
  const monitor = settings.getMonitor();
  const newUrn = monitor.newUrn.bind(monitor);
  const isStack = (urn: string) => urn.split("::")[2] === pulumi.runtime.rootPulumiStackTypeName;
  monitor.newUrn = (parent: string, type: string, name: string) => newUrn(parent && !isStack(parent) ? parent : "", type, name);

  const byUrn = new Map<string, RawResource>();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (error: unknown, response: any) => void) => {
    register(req, (error: unknown, response: any) => {
      if (!error && req.getType() !== pulumi.runtime.rootPulumiStackTypeName) {
        const parent = req.getParent();
        const resource: RawResource = {
          urn: response.getUrn(),
          id: response.getId(),
          type: req.getType(),
          name: req.getName(),
          parent: parent && !isStack(parent) ? parent : undefined,
          custom: req.getCustom(),
          inputs: withoutProviderCode(deserializeProperties(req.getObject())),
          state: deserializeProperties(response.getObject()),
          protect: req.getProtect() || undefined,
          retainOnDelete: req.getRetainondelete() || undefined,
          dependencies: req.getDependenciesList(),
        };
        byUrn.set(resource.urn, resource);
        trace(`registered ${resource.type} ${resource.name}`);
        result.resources.push(resource);
      }
      callback(error, response);
    });
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, callback: (error: unknown, response: unknown) => void) => {
    const resource = byUrn.get(req.getUrn());
    if (resource) resource.outputs = deserializeProperties(req.getOutputs());
    registerOutputs(req, callback);
  };
}

/** A dynamic resource's inputs carry its provider's serialized code: not part of the plan. */
function withoutProviderCode(inputs: Record<string, unknown>) {
  const { __provider, ...rest } = inputs;
  return __provider === undefined ? inputs : { ...rest, __provider: "(serialized dynamic provider)" };
}
