/**
 * Pulumi's unit-test mocks (`pulumi.runtime.setMocks`) for the AWS provider: what `sst deploy`
 * would get back from AWS, made up from the inputs — ARNs, URLs, ids — for a fixed account and the
 * app's region. A provider function this stack does not call is an error, not a guess.
 */
import { runLocalCommand } from "./local-command";

export const ACCOUNT = "123456789012";

export interface MockOptions {
  region: string;
  /** Called for each provider function the program invokes. */
  onCall: (token: string, inputs: Record<string, any>, mocked: boolean) => void;
}

interface ResourceArgs {
  type: string;
  name: string;
  inputs: Record<string, any>;
  id?: string;
}

type Outputs = (physical: string, inputs: Record<string, any>, region: string) => Record<string, unknown>;

const OUTPUTS: Record<string, Outputs> = {
  "aws:dynamodb/table:Table": (n, _i, r) => ({
    arn: `arn:aws:dynamodb:${r}:${ACCOUNT}:table/${n}`,
    streamArn: `arn:aws:dynamodb:${r}:${ACCOUNT}:table/${n}/stream/2026-01-01T00:00:00.000`,
  }),
  "aws:s3/bucket:Bucket": (n, _i, r) => ({
    bucket: n,
    arn: `arn:aws:s3:::${n}`,
    bucketDomainName: `${n}.s3.amazonaws.com`,
    bucketRegionalDomainName: `${n}.s3.${r}.amazonaws.com`,
    region: r,
  }),
  "aws:sqs/queue:Queue": (n, _i, r) => ({ arn: `arn:aws:sqs:${r}:${ACCOUNT}:${n}`, url: `https://sqs.${r}.amazonaws.com/${ACCOUNT}/${n}` }),
  "aws:sns/topic:Topic": (n, _i, r) => ({ arn: `arn:aws:sns:${r}:${ACCOUNT}:${n}` }),
  "aws:lambda/function:Function": (n, _i, r) => ({
    arn: `arn:aws:lambda:${r}:${ACCOUNT}:function:${n}`,
    qualifiedArn: `arn:aws:lambda:${r}:${ACCOUNT}:function:${n}:$LATEST`,
    invokeArn: `arn:aws:apigateway:${r}:lambda:path/2015-03-31/functions/arn:aws:lambda:${r}:${ACCOUNT}:function:${n}/invocations`,
    version: "$LATEST",
  }),
  "aws:iam/role:Role": (n) => ({ arn: `arn:aws:iam::${ACCOUNT}:role/${n}` }),
  "aws:cloudwatch/logGroup:LogGroup": (n, _i, r) => ({ arn: `arn:aws:logs:${r}:${ACCOUNT}:log-group:${n}` }),
  "aws:cloudwatch/metricAlarm:MetricAlarm": (n, _i, r) => ({ arn: `arn:aws:cloudwatch:${r}:${ACCOUNT}:alarm:${n}` }),
  "aws:apigatewayv2/api:Api": (_n, _i, r) => ({
    apiEndpoint: `https://synthapi.execute-api.${r}.amazonaws.com`,
    executionArn: `arn:aws:execute-api:${r}:${ACCOUNT}:synthapi`,
    arn: `arn:aws:apigateway:${r}::/apis/synthapi`,
  }),
  "aws:apigatewayv2/stage:Stage": (_n, i, r) => ({
    invokeUrl: `https://synthapi.execute-api.${r}.amazonaws.com/${i.name ?? "$default"}`,
  }),
  // API Gateway's id for a custom domain is the domain name itself.
  "aws:apigatewayv2/domainName:DomainName": (_n, i) => ({
    id: i.domainName,
    domainNameConfiguration: { ...i.domainNameConfiguration, targetDomainName: "d-synth.execute-api.amazonaws.com", hostedZoneId: "ZSYNTHAPIGW" },
  }),
  "aws:acm/certificate:Certificate": (n, i, r) => ({
    arn: `arn:aws:acm:${r}:${ACCOUNT}:certificate/${n}`,
    domainValidationOptions: [{ domainName: i.domainName, resourceRecordName: `_synth.${i.domainName}.`, resourceRecordType: "CNAME", resourceRecordValue: "_synth.acm-validations.aws." }],
  }),
  "aws:cloudfront/distribution:Distribution": () => ({
    id: "ESYNTHDIST",
    arn: `arn:aws:cloudfront::${ACCOUNT}:distribution/ESYNTHDIST`,
    domainName: "dsynth.cloudfront.net",
    hostedZoneId: "Z2FDTNDATAQYW2",
  }),
  "aws:cloudfront/keyValueStore:KeyValueStore": (n) => ({ arn: `arn:aws:cloudfront::${ACCOUNT}:key-value-store/${n}` }),
  "aws:cloudfront/function:Function": (n) => ({ arn: `arn:aws:cloudfront::${ACCOUNT}:function/${n}` }),
  "aws:cognito/userPool:UserPool": (_n, _i, r) => ({
    id: `${r}_Synth`,
    arn: `arn:aws:cognito-idp:${r}:${ACCOUNT}:userpool/${r}_Synth`,
    endpoint: `cognito-idp.${r}.amazonaws.com/${r}_Synth`,
  }),
  "aws:cognito/userPoolClient:UserPoolClient": () => ({ clientSecret: "synth-client-secret" }),
  "aws:cognito/resourceServer:ResourceServer": (_n, i) => ({
    scopeIdentifiers: (i.scopes ?? []).map((s: { scopeName: string }) => `${i.identifier}/${s.scopeName}`),
  }),
};

/** Physical names: SST sets them (`app-stage-Name-xxxxxxxx`); otherwise AWS would make one up. */
function physicalName(args: ResourceArgs) {
  const i = args.inputs;
  return String(i.name ?? i.bucket ?? i.domain ?? i.domainName ?? `${args.name}-synth`);
}

export function createMocks({ region, onCall }: MockOptions) {
  return {
    async newResource(args: ResourceArgs): Promise<{ id: string; state: Record<string, unknown> }> {
      if (args.type === "command:local:Command") {
        return { id: `${args.name}-id`, state: { ...args.inputs, ...(await runLocalCommand(args.inputs)) } };
      }
      const physical = physicalName(args);
      const outputs = OUTPUTS[args.type]?.(physical, args.inputs, region) ?? {};
      const id = String(outputs.id || args.id || args.inputs.name || `${args.name}-id`);
      const arn = `arn:aws:${args.type.split(":")[1]?.split("/")[0]}:${region}:${ACCOUNT}:${physical}`;
      return { id, state: { arn, ...args.inputs, ...outputs } };
    },
    call({ token, inputs }: { token: string; inputs: Record<string, any> }): Record<string, unknown> {
      const answer = CALLS[token]?.(inputs, region);
      onCall(token, inputs, Boolean(answer));
      if (!answer) throw new Error(`synth: unmocked provider function ${token}`);
      return answer;
    },
  };
}

const CALLS: Record<string, (inputs: Record<string, any>, region: string) => Record<string, unknown>> = {
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({ accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/synth`, userId: "AIDASYNTH", id: ACCOUNT }),
  "aws:index/getRegion:getRegion": (_i, region) => ({ name: region, region, id: region, endpoint: `ec2.${region}.amazonaws.com`, description: region }),
  "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" }),
  "aws:iam/getPolicyDocument:getPolicyDocument": (inputs) => ({ ...inputs, json: policyJson(inputs), minifiedJson: policyJson(inputs), id: "synth" }),
  // A custom domain's hosted zone, as if it were in the account.
  "aws:route53/getZone:getZone": (inputs) => ({ zoneId: "ZSYNTHZONE", id: "ZSYNTHZONE", name: String(inputs.name ?? "example.com").replace(/\.$/, "") }),
};

/** aws.iam.getPolicyDocument's JSON: one value as a string, several as a sorted list (the provider's sets). */
function policyJson(inputs: Record<string, any>) {
  const one = (values: string[]) => (values.length === 1 ? values[0] : [...values].sort());
  const statements = (inputs.statements ?? []).map((s: Record<string, any>) => {
    const out: Record<string, unknown> = {};
    if (s.sid) out.Sid = s.sid;
    out.Effect = s.effect ?? "Allow";
    if (s.actions?.length) out.Action = one(s.actions);
    if (s.notActions?.length) out.NotAction = one(s.notActions);
    if (s.resources?.length) out.Resource = one(s.resources);
    if (s.notResources?.length) out.NotResource = one(s.notResources);
    if (s.principals?.length) {
      out.Principal = Object.fromEntries(s.principals.map((p: { type: string; identifiers: string[] }) => [p.type, one(p.identifiers)]));
    }
    if (s.conditions?.length) {
      const condition: Record<string, Record<string, unknown>> = {};
      for (const c of s.conditions) (condition[c.test] ??= {})[c.variable] = one(c.values);
      out.Condition = condition;
    }
    return out;
  });
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
