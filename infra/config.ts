/**
 * Deployment settings that are not part of the manifest: they only exist on AWS, vary per stage
 * or per account, and come from the environment of `sst deploy` / `sst dev` (see the README, "Deploy").
 * Read once here; every other infra module takes them from this one.
 */
import { manifest } from "./manifest";

type FunctionSpec = (typeof manifest.functions)[keyof typeof manifest.functions];

const isProd = $app.stage === "prod";

function optional(name: string) {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

function externalIssuer() {
  const issuer = optional("AUTH_ISSUER");
  const audiences = optional("AUTH_AUDIENCE")
    ?.split(",")
    .map((a) => a.trim())
    .filter(Boolean);
  if (!issuer) {
    if (audiences) throw new Error("AUTH_AUDIENCE is set but AUTH_ISSUER is not");
    return undefined;
  }
  if (!issuer.startsWith("https://")) throw new Error("AUTH_ISSUER must be an https:// URL");
  if (!audiences?.length) throw new Error("AUTH_ISSUER needs AUTH_AUDIENCE (comma-separated)");
  return { issuer, audiences };
}

export const config = {
  isProd,
  /** Any OIDC issuer instead of the Cognito user pool the stack creates by default. */
  externalIssuer: externalIssuer(),
  /** Optional custom domain for the API (its Route 53 hosted zone must be in the account). */
  apiDomain: optional("API_DOMAIN"),
  /** Optional SNS topic notified when the likes DLQ holds messages. */
  alarmTopicArn: optional("ALARM_TOPIC_ARN"),
  logRetention: isProd ? ("3 months" as const) : ("1 week" as const),
};

const seconds = (n: number) => `${n} seconds` as const;
export { seconds };

/** The settings every function shares, from its manifest entry. */
export function functionArgs(fn: FunctionSpec) {
  return {
    handler: fn.handler,
    runtime: manifest.runtime.nodejs,
    architecture: manifest.runtime.architecture,
    memory: `${fn.memoryMb} MB` as const,
    timeout: seconds(fn.timeoutSeconds),
    logging: { retention: config.logRetention },
  };
}

/**
 * The components a function links, in the order and by the names its manifest entry lists (the
 * offline runtime grants the same list). `components` must offer every name the entry lists.
 */
export function linksFor<Name extends string, Component>(fn: { links: readonly Name[] }, components: Record<Name, Component>) {
  return fn.links.map((name) => components[name]);
}
