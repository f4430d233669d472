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
  /** Optional custom domain for the console and thumbnails CDN (e.g. console.example.com); else CloudFront's. */
  webDomain: optional("WEB_DOMAIN"),
  /** Optional existing SNS topic for the alarms, instead of the one the stack creates. */
  alarmTopicArn: optional("ALARM_TOPIC_ARN"),
  /** Optional address subscribed by email to the stack's alarm topic (AWS mails a confirmation link). */
  alarmEmail: optional("ALARM_EMAIL"),
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

type Permission = FunctionSpec["permissions"][number];

/** What a function may reach: by manifest name, the component (for `Resource.X` and its ARN). */
interface Reachable {
  urn: $util.Output<string>;
  getSSTLink(): { properties: Record<string, unknown> };
  arn?: $util.Input<string>;
}

/**
 * A function's links and IAM permissions, both from its manifest entry. SST's links grant
 * `service:*` on each linked component (their `include`); a link here carries only the properties
 * `Resource.X` reads, and the role gets exactly the manifest's actions on the manifest's resources:
 * `Users` is the component's ARN, `Users/index/*` that ARN + "/index/*". Outside `sst dev` the role
 * trusts Lambda alone (SST also trusts the account root, which `sst dev` needs to run it locally).
 */
export function accessFor(fn: FunctionSpec, components: Record<string, Reachable>) {
  const component = (name: string) => {
    const found = components[name];
    if (!found) throw new Error(`${fn.name}: no component "${name}" to link or grant`);
    return found;
  };
  const arnOf = (resource: string) => {
    const [name, ...suffix] = resource.split("/");
    const { arn } = component(name!);
    if (!arn) throw new Error(`${fn.name}: "${name}" has no ARN to grant on`);
    return suffix.length ? $interpolate`${arn}/${suffix.join("/")}` : $output(arn);
  };
  return {
    link: fn.links.map((name) => {
      const target = component(name);
      return { urn: target.urn, getSSTLink: () => ({ properties: target.getSSTLink().properties }) };
    }),
    permissions: fn.permissions.map((p: Permission) => ({ actions: [...p.actions], resources: p.resources.map(arnOf) })),
    transform: {
      role: (args: aws.iam.RoleArgs) => {
        if (!$dev) args.assumeRolePolicy = aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" });
      },
    },
  };
}
