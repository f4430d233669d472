/**
 * `npm run synth -- --stage <stage> [--dev] [--json]`: the plan `sst deploy --stage <stage>` would
 * carry out, from the project's own sst.config.ts run through SST's platform code. The deployment
 * variables (AUTH_ISSUER, API_DOMAIN, ALARM_EMAIL, …) come from the environment, as for a deploy.
 * Exits 1 on any error, unmocked provider call or unanswered RPC.
 */
import { parseArgs } from "node:util";
import { formatPlan } from "./format";
import { ensurePlatform } from "./platform";
import { DEPLOY_ENV, synth } from "./synth";

const usage = "usage: npm run synth -- --stage <stage> [--dev] [--json]";
let values;
try {
  ({ values } = parseArgs({ options: { stage: { type: "string" }, dev: { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean" } } }));
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (values.help || !values.stage) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const installMs = ensurePlatform((line) => console.error(line));
if (installMs) console.error(`sst install: ${(installMs / 1000).toFixed(1)} s`);
const env = Object.fromEntries(DEPLOY_ENV.flatMap((key) => (process.env[key] ? [[key, process.env[key]!]] : [])));
const result = await synth({ stage: values.stage, dev: values.dev, env });

if (values.json) console.log(JSON.stringify({ plan: result.plan, errors: result.raw.errors }, null, 2));
else {
  console.log(formatPlan(result.plan));
  console.error(`\nsynth: ${(result.milliseconds / 1000).toFixed(1)} s`);
}
if (result.raw.errors.length) {
  const distinct = [...new Set(result.raw.errors)];
  console.error(`\n${distinct.length} distinct error(s):\n${distinct.join("\n\n")}`);
  process.exit(1);
}
