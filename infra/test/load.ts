/** Runs sst.config.ts (app() then run()) against the SST double, as `sst deploy --stage <stage>` would. */
import { vi } from "vitest";
import { installSstDouble } from "./sst-double";

/** Every environment variable sst.config.ts / infra/config.ts reads. */
const DEPLOY_ENV = ["AWS_REGION", "AUTH_ISSUER", "AUTH_AUDIENCE", "API_DOMAIN", "ALARM_TOPIC_ARN"];

export async function deploy(stage: string, env: Record<string, string> = {}) {
  const saved = Object.fromEntries(DEPLOY_ENV.map((k) => [k, process.env[k]]));
  for (const key of DEPLOY_ENV) {
    if (key in env) process.env[key] = env[key];
    else delete process.env[key];
  }
  vi.resetModules();
  const double = installSstDouble();
  try {
    const { default: config } = await import("../../sst.config");
    const app = await config.app({ stage });
    double.setApp({ name: app.name, stage });
    const outputs = await config.run();
    return { ...double, app, outputs: outputs as Record<string, unknown> };
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

export type Deployment = Awaited<ReturnType<typeof deploy>>;
