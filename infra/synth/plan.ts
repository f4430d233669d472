/**
 * The plan: what a synth registered, read back as the things a reviewer asks about — each
 * function with its role, the API's routes and authorizer, queues and their event source, bucket
 * notifications, alarms, what is retained or protected, and the stack outputs.
 */
import type { RawResource, RawSynth } from "./raw";

export interface Statement {
  effect: string;
  actions: string[];
  resources: string[];
}

export interface FunctionPlan {
  name: string;
  handler: string;
  runtime: string;
  architecture: string;
  memoryMb: number;
  timeoutSeconds: number;
  environment: string[];
  /** `Resource.X` names and their properties, as the function's bundle gets them. */
  links: Record<string, Record<string, unknown>>;
  logRetentionDays?: number;
  asyncRetries?: number;
  role: { trust: Record<string, string[]>; managedPolicies: string[]; statements: Statement[] };
}

export interface Plan {
  stage: string;
  dev: boolean;
  app: { name: string; region: string; removal: string; protect: boolean };
  /** Resources AWS would hold (providers' resources; components and SST's own bookkeeping left out). */
  awsResources: { type: string; name: string; component?: string }[];
  functions: FunctionPlan[];
  api?: {
    name: string;
    cors: Record<string, unknown>;
    throttling: { burstLimit?: number; rateLimit?: number };
    accessLogRetentionDays?: number;
    routes: { key: string; authorization: string; authorizer?: string; function?: string; timeoutMs?: number }[];
    authorizers: { name: string; type: string; identitySources: string[]; issuer?: string; audiences?: string[] }[];
    domain?: string;
  };
  queues: { name: string; visibilityTimeoutSeconds: number; retentionSeconds: number; dlq?: { queue: string; maxReceiveCount: number } }[];
  eventSources: { queue: string; function: string; batchSize: number; windowSeconds: number; partialResponses: boolean }[];
  bucketNotifications: { bucket: string; function: string; events: string[]; filterPrefix?: string; filterSuffix?: string }[];
  alarms: { name: string; metric: string; threshold: number; comparison: string; actions: string[] }[];
  topics: { name: string; subscriptions: { protocol: string; endpoint: string }[] }[];
  retained: string[];
  protected: string[];
  /** CloudFront distributions: the console's site and the thumbnails CDN share SST's Router. */
  distributions: { component: string; aliases: string[]; viewerProtocolPolicy: string; compress: boolean }[];
  /** Who besides the functions' roles may touch a bucket (the transport-only denies left out). */
  bucketPolicies: { component: string; statements: (Statement & { principal: string })[] }[];
  /** Cognito app clients: the API's machine client and the console's public one. */
  appClients: { component: string; flows: string[]; scopes: string[]; secret: boolean; callbackUrls: string[]; logoutUrls: string[] }[];
  /** Site builds the deploy runs on this machine (the synth ran them too). */
  builds: { component: string; command: string; dir: string }[];
  outputs: Record<string, unknown>;
}

const componentOf = (r: RawResource) => r.parent?.split("::").at(-1);
const parse = (doc: unknown) => (typeof doc === "string" ? JSON.parse(doc) : doc) as { Statement: any[] };
const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [String(v)]);

export function buildPlan(raw: RawSynth): Plan {
  const of = (type: string) => raw.resources.filter((r) => r.type === type);
  const custom = raw.resources.filter((r) => r.custom && !r.type.startsWith("pulumi"));

  // Physical ARNs and names back to component names, so the plan reads in the stack's own words.
  const names = new Map<string, string>();
  for (const r of custom) {
    const component = componentOf(r) ?? r.name;
    for (const value of [r.state.arn, r.state.url, r.state.name, r.state.bucket, r.id]) {
      if (typeof value === "string" && value && !names.has(value)) names.set(value, component);
    }
  }
  const nameOf = (value: unknown) => names.get(String(value)) ?? String(value);

  // A deploy builds each function (Runtime.Build); `sst dev` registers it to run locally (Runtime.AddTarget).
  const builds = new Map(
    raw.rpc.filter((c) => c.method === "Runtime.Build" || c.method === "Runtime.AddTarget").map((c: any) => [c.params.functionID, c.params]),
  );
  const logGroups = new Map(of("aws:cloudwatch/logGroup:LogGroup").map((g) => [g.inputs.name, g.inputs.retentionInDays]));
  const roles = new Map(of("aws:iam/role:Role").map((r) => [r.state.arn, r]));
  const invokeConfigs = of("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");

  const functions = of("aws:lambda/function:Function").map((fn): FunctionPlan => {
    const component = componentOf(fn) ?? fn.name;
    const build = builds.get(component);
    const role = roles.get(fn.inputs.role);
    const trust = parse(role?.inputs.assumeRolePolicy ?? { Statement: [] }).Statement.flatMap((s) => Object.entries(s.Principal ?? {}));
    return {
      name: component,
      handler: build?.handler ?? fn.inputs.handler,
      runtime: fn.inputs.runtime,
      architecture: list(fn.inputs.architectures)[0] ?? "x86_64",
      memoryMb: fn.inputs.memorySize,
      timeoutSeconds: fn.inputs.timeout,
      environment: Object.keys(fn.inputs.environment?.variables ?? {}).sort(),
      links: build?.links ?? {},
      logRetentionDays: logGroups.get(fn.inputs.loggingConfig?.logGroup),
      asyncRetries: invokeConfigs.find((c) => nameOf(c.inputs.functionName) === component)?.inputs.maximumRetryAttempts,
      role: {
        trust: Object.fromEntries(trust.map(([type, ids]) => [type, list(ids).sort()])),
        managedPolicies: list(role?.inputs.managedPolicyArns),
        statements: (role?.inputs.inlinePolicies ?? []).flatMap((p: { policy: string }) =>
          parse(p.policy).Statement.map((s) => ({ effect: s.Effect, actions: list(s.Action), resources: list(s.Resource) })),
        ),
      },
    };
  });

  const [apiResource] = of("aws:apigatewayv2/api:Api");
  const stage = of("aws:apigatewayv2/stage:Stage")[0];
  const integrations = new Map(of("aws:apigatewayv2/integration:Integration").map((i) => [i.id, i]));
  const authorizers = of("aws:apigatewayv2/authorizer:Authorizer");
  const domain = of("aws:apigatewayv2/domainName:DomainName")[0];

  return {
    stage: raw.stage,
    dev: raw.dev,
    app: { name: raw.app.name, region: raw.app.providers?.aws?.region, removal: raw.app.removal, protect: Boolean(raw.app.protect) },
    awsResources: custom
      .filter((r) => !r.type.startsWith("pulumi-nodejs:dynamic") && !r.type.startsWith("command:") && !r.type.startsWith("random:"))
      .map((r) => ({ type: r.type, name: r.name, component: componentOf(r) })),
    functions,
    api: apiResource && {
      name: componentOf(apiResource) ?? apiResource.name,
      cors: apiResource.inputs.corsConfiguration ?? {},
      throttling: {
        burstLimit: stage?.inputs.defaultRouteSettings?.throttlingBurstLimit,
        rateLimit: stage?.inputs.defaultRouteSettings?.throttlingRateLimit,
      },
      accessLogRetentionDays: logGroups.get(String(stage?.inputs.accessLogSettings?.destinationArn ?? "").split(":log-group:")[1]),
      routes: of("aws:apigatewayv2/route:Route")
        .map((r) => {
          const integration = integrations.get(String(r.inputs.target).replace(/^integrations\//, ""));
          return {
            key: r.inputs.routeKey,
            authorization: r.inputs.authorizationType,
            authorizer: r.inputs.authorizerId ? componentOf(authorizers.find((a) => a.id === r.inputs.authorizerId)!) : undefined,
            function: integration ? nameOf(integration.inputs.integrationUri) : undefined,
            timeoutMs: integration?.inputs.timeoutMilliseconds,
          };
        })
        .sort((a, b) => a.key.localeCompare(b.key)),
      authorizers: authorizers.map((a) => ({
        name: componentOf(a) ?? a.name,
        type: a.inputs.authorizerType,
        identitySources: list(a.inputs.identitySources),
        issuer: a.inputs.jwtConfiguration?.issuer,
        audiences: a.inputs.jwtConfiguration?.audiences,
      })),
      domain: domain?.inputs.domainName,
    },
    queues: of("aws:sqs/queue:Queue").map((q) => {
      const redrive = q.inputs.redrivePolicy ? JSON.parse(q.inputs.redrivePolicy) : undefined;
      return {
        name: componentOf(q) ?? q.name,
        visibilityTimeoutSeconds: q.inputs.visibilityTimeoutSeconds ?? 30,
        // SQS's default when unset: 4 days.
        retentionSeconds: q.inputs.messageRetentionSeconds ?? 345_600,
        dlq: redrive && { queue: nameOf(redrive.deadLetterTargetArn), maxReceiveCount: redrive.maxReceiveCount },
      };
    }),
    eventSources: of("aws:lambda/eventSourceMapping:EventSourceMapping").map((m) => ({
      queue: nameOf(m.inputs.eventSourceArn),
      function: nameOf(m.inputs.functionName),
      batchSize: m.inputs.batchSize,
      windowSeconds: m.inputs.maximumBatchingWindowInSeconds ?? 0,
      partialResponses: list(m.inputs.functionResponseTypes).includes("ReportBatchItemFailures"),
    })),
    bucketNotifications: of("aws:s3/bucketNotification:BucketNotification").flatMap((n) =>
      (n.inputs.lambdaFunctions ?? []).map((l: any) => ({
        bucket: nameOf(n.inputs.bucket),
        function: nameOf(l.lambdaFunctionArn),
        events: l.events,
        filterPrefix: l.filterPrefix,
        filterSuffix: l.filterSuffix,
      })),
    ),
    alarms: of("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => ({
      name: a.inputs.name,
      metric: a.inputs.metricName
        ? `${a.inputs.namespace} ${a.inputs.metricName} ${a.inputs.statistic} ${JSON.stringify(a.inputs.dimensions ?? {})}`
        : (a.inputs.metricQueries ?? []).find((q: any) => q.returnData)?.expression,
      threshold: a.inputs.threshold,
      comparison: a.inputs.comparisonOperator,
      actions: list(a.inputs.alarmActions).map(nameOf),
    })),
    topics: of("aws:sns/topic:Topic").map((t) => ({
      name: componentOf(t) ?? t.name,
      subscriptions: of("aws:sns/topicSubscription:TopicSubscription")
        .filter((s) => s.inputs.topic === t.state.arn)
        .map((s) => ({ protocol: s.inputs.protocol, endpoint: s.inputs.endpoint })),
    })),
    retained: custom.filter((r) => r.retainOnDelete).map((r) => `${r.type} ${r.name}`),
    protected: [
      ...custom.filter((r) => r.protect).map((r) => `${r.type} ${r.name}`),
      ...custom.filter((r) => r.inputs.deletionProtectionEnabled === true || r.inputs.deletionProtection === "ACTIVE").map((r) => `${r.type} ${r.name} (deletion protection)`),
    ],
    distributions: of("aws:cloudfront/distribution:Distribution").map((d) => ({
      component: componentOf(d) ?? d.name,
      aliases: list(d.inputs.aliases),
      viewerProtocolPolicy: d.inputs.defaultCacheBehavior?.viewerProtocolPolicy,
      compress: Boolean(d.inputs.defaultCacheBehavior?.compress),
    })),
    bucketPolicies: of("aws:s3/bucketPolicy:BucketPolicy").map((p) => ({
      component: componentOf(p) ?? p.name,
      statements: parse(p.inputs.policy)
        .Statement.filter((s) => !(s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false"))
        .map((s) => ({ effect: s.Effect, actions: list(s.Action), resources: list(s.Resource), principal: JSON.stringify(s.Principal) })),
    })),
    appClients: of("aws:cognito/userPoolClient:UserPoolClient").map((c) => ({
      component: componentOf(c) ?? c.name,
      flows: list(c.inputs.allowedOauthFlows),
      scopes: list(c.inputs.allowedOauthScopes),
      secret: Boolean(c.inputs.generateSecret),
      callbackUrls: list(c.inputs.callbackUrls),
      logoutUrls: list(c.inputs.logoutUrls),
    })),
    builds: of("command:local:Command").map((c) => ({ component: componentOf(c) ?? c.name, command: c.inputs.create, dir: c.inputs.dir })),
    outputs: raw.outputs,
  };
}
