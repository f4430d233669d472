/**
 * A recording double of the globals SST gives `sst.config.ts` and `infra/*.ts` (`sst`, `aws`,
 * `$config`, `$app`, `$interpolate`, `$dev`, …). Every constructor and method call is recorded with
 * its arguments; every returned object has only the properties SST 4.17 really exposes on that
 * component (reading any other property throws), and outputs are readable tokens like
 * "<Users.arn>". Rules SST enforces at deploy time (unique component names, one subscriber per
 * queue, one `notify` per bucket, route syntax, one authorizer kind) are enforced here too.
 */

export interface Recorded {
  /** "sst.aws.Function", "aws.cognito.ResourceServer", or "sst.aws.Queue#subscribe" for methods. */
  type: string;
  name: string;
  args: any;
  /** Set on components that SST links by name (they get an entry in sst-env.d.ts). */
  link?: Record<string, string>;
}

const META = Symbol("sst-double");

/** Keys that test tooling may probe on any object (vitest's pretty-format, promises, JSON). */
const PROBES = new Set(["then", "toJSON", "constructor", "asymmetricMatch", "$$typeof", "nodeType", "tagName", "length"]);

function strict<T extends object>(type: string, name: string, target: T): T {
  Object.defineProperty(target, META, { value: { type, name }, enumerable: false });
  return new Proxy(target, {
    get(obj, key, receiver) {
      if (typeof key === "symbol" || key in obj || PROBES.has(key) || key.startsWith("@@")) {
        return Reflect.get(obj, key, receiver);
      }
      throw new Error(`${type} "${name}" has no property "${key}" in SST 4.17`);
    },
  });
}

/** The component name of an object the double returned (e.g. an entry of a `link` array). */
export function nameOf(value: unknown): string {
  const meta = (value as any)?.[META];
  if (!meta) throw new Error(`not an SST double object: ${String(value)}`);
  return meta.name;
}

export function typeOf(value: unknown): string {
  return (value as any)?.[META]?.type;
}

/** The ARN the double gives a function: what a route or subscription made "by ARN" must carry. */
export const functionArn = (name: string) => `arn:aws:lambda:<region>:<account>:function:<${name}>`;

const ROUTE_METHODS = ["ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

export function installSstDouble() {
  const records: Recorded[] = [];
  const names = new Set<string>();
  const g = globalThis as any;

  const record = (entry: Recorded) => {
    records.push(entry);
    return entry;
  };

  /** Top-level SST components must have unique names (case-insensitive); "App" is reserved. */
  const component = (type: string, name: string, args: any, link?: Record<string, string>) => {
    const lc = name.toLowerCase();
    if (lc === "app") throw new Error(`Component name "${name}" is reserved`);
    if (names.has(lc)) throw new Error(`Component name ${name} is not unique.`);
    if (name.includes(" ")) throw new Error(`Invalid component name "${name}"`);
    names.add(lc);
    return record({ type, name, args, ...(link && { link }) });
  };

  const token = (name: string, prop: string) => `<${name}.${prop}>`;

  class Dynamo {
    constructor(name: string, args: any) {
      component("sst.aws.Dynamo", name, args, { name: "string" });
      return strict("sst.aws.Dynamo", name, {
        name: token(name, "name"),
        arn: token(name, "arn"),
        nodes: { table: { name: token(name, "name"), arn: token(name, "arn") } },
      }) as any;
    }
  }

  class Bucket {
    constructor(name: string, args: any = {}) {
      component("sst.aws.Bucket", name, args, { name: "string" });
      let notified = false;
      return strict("sst.aws.Bucket", name, {
        name: token(name, "name"),
        arn: token(name, "arn"),
        domain: token(name, "domain"),
        nodes: { bucket: { bucket: token(name, "name"), arn: token(name, "arn") } },
        notify(notifyArgs: any) {
          if (notified) throw new Error(`Cannot call "notify" on the "${name}" bucket multiple times.`);
          notified = true;
          record({ type: "sst.aws.Bucket#notify", name, args: notifyArgs });
          return strict("sst.aws.BucketNotification", `${name}Notifications`, {});
        },
        subscribe() {
          throw new Error("use notify(): the stack declares its notifications in one place");
        },
      }) as any;
    }
  }

  class Queue {
    constructor(name: string, args: any = {}) {
      component("sst.aws.Queue", name, args, { url: "string" });
      let subscribed = false;
      return strict("sst.aws.Queue", name, {
        arn: token(name, "arn"),
        url: token(name, "url"),
        nodes: { queue: { name: token(name, "queueName"), arn: token(name, "arn"), url: token(name, "url") } },
        subscribe(subscriber: any, subArgs?: any) {
          if (subscribed) throw new Error(`Cannot subscribe to the "${name}" queue multiple times.`);
          subscribed = true;
          record({ type: "sst.aws.Queue#subscribe", name, args: { subscriber, ...subArgs } });
          return strict("sst.aws.QueueLambdaSubscriber", `${name}Subscriber`, {});
        },
      }) as any;
    }
  }

  class Function {
    constructor(name: string, args: any) {
      if (!args?.handler) throw new Error(`Function "${name}" needs a handler`);
      component("sst.aws.Function", name, args, { name: "string", url: "string" });
      return strict("sst.aws.Function", name, {
        name: token(name, "name"),
        arn: functionArn(name),
        targetArn: functionArn(name),
        url: token(name, "url"),
        nodes: { function: { name: token(name, "name") } },
      }) as any;
    }
  }

  class ApiGatewayV2 {
    constructor(name: string, args: any = {}) {
      component("sst.aws.ApiGatewayV2", name, args, { url: "string" });
      return strict("sst.aws.ApiGatewayV2", name, {
        url: token(name, "url"),
        nodes: { api: { id: token(name, "id"), apiEndpoint: token(name, "url") } },
        route(route: string, handler: any, routeArgs: any = {}) {
          if (route.toLowerCase() !== "$default") {
            const [method, path, ...rest] = route.split(" ");
            if (rest.length || !method || !path) throw new Error(`Invalid route ${route}.`);
            if (!ROUTE_METHODS.includes(method.toUpperCase())) throw new Error(`Invalid method in ${route}`);
            if (!path.startsWith("/")) throw new Error(`Invalid path in ${route}`);
          }
          record({ type: "sst.aws.ApiGatewayV2#route", name, args: { route, handler, ...routeArgs } });
          return strict("sst.aws.ApiGatewayV2LambdaRoute", `${name}Route`, {});
        },
        addAuthorizer(authArgs: any) {
          if (!!authArgs.jwt === !!authArgs.lambda) throw new Error(`Provide one of "lambda" or "jwt"`);
          record({ type: "sst.aws.ApiGatewayV2#addAuthorizer", name, args: authArgs });
          const id = `${name}Authorizer${authArgs.name}`;
          return strict("sst.aws.ApiGatewayV2Authorizer", id, { id: token(id, "id") });
        },
      }) as any;
    }
  }

  class CognitoUserPool {
    constructor(name: string, args: any = {}) {
      component("sst.aws.CognitoUserPool", name, args, { id: "string" });
      return strict("sst.aws.CognitoUserPool", name, {
        id: token(name, "id"),
        arn: token(name, "arn"),
        domainUrl: args.domain ? `https://${args.domain.prefix}.auth.<region>.amazoncognito.com` : undefined,
        nodes: {
          userPool: {
            id: token(name, "id"),
            arn: token(name, "arn"),
            endpoint: `cognito-idp.<region>.amazonaws.com/${token(name, "id")}`,
          },
        },
        addClient(clientName: string, clientArgs: any = {}) {
          component("sst.aws.CognitoUserPoolClient", clientName, { userPool: token(name, "id"), ...clientArgs }, {
            id: "string",
            secret: "string",
          });
          return strict("sst.aws.CognitoUserPoolClient", clientName, {
            id: token(clientName, "id"),
            secret: token(clientName, "secret"),
            nodes: { client: { id: token(clientName, "id") } },
          });
        },
      }) as any;
    }
  }

  /** Raw Pulumi resources: recorded, with the outputs the stack reads. */
  const raw =
    (type: string, outputs: (name: string, args: any) => Record<string, unknown>) =>
    (name: string, args: any) => {
      record({ type, name, args });
      return strict(type, name, { id: token(name, "id"), ...outputs(name, args) });
    };

  g.sst = { aws: { Dynamo, Bucket, Queue, Function, ApiGatewayV2, CognitoUserPool } };
  g.aws = {
    getCallerIdentityOutput: () => ({ accountId: "<account>" }),
    cognito: {
      ResourceServer: class {
        constructor(name: string, args: any) {
          return raw("aws.cognito.ResourceServer", (_, a) => ({
            // As AWS computes it: "<identifier>/<scope>".
            scopeIdentifiers: a.scopes.map((s: any) => `${a.identifier}/${s.scopeName}`),
          }))(name, args) as any;
        }
      },
    },
    cloudwatch: {
      MetricAlarm: class {
        constructor(name: string, args: any) {
          return raw("aws.cloudwatch.MetricAlarm", (n) => ({ arn: token(n, "arn") }))(name, args) as any;
        }
      },
    },
  };
  g.$config = (config: unknown) => config;
  g.$dev = false;
  g.$interpolate = (strings: TemplateStringsArray, ...values: unknown[]) =>
    strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ""), "");

  return {
    records,
    setApp(app: { name: string; stage: string }) {
      g.$app = Object.freeze({ ...app });
    },
    /** Records of one type, e.g. all "sst.aws.Function" constructions. */
    of(type: string) {
      return records.filter((r) => r.type === type);
    },
    one(type: string, name?: string) {
      const found = records.filter((r) => r.type === type && (name === undefined || r.name === name));
      if (found.length !== 1) throw new Error(`expected one ${type} ${name ?? ""}, got ${found.length}`);
      return found[0]!;
    },
    uninstall() {
      for (const key of ["sst", "aws", "$config", "$dev", "$interpolate", "$app"]) delete g[key];
    },
  };
}

export type SstDouble = ReturnType<typeof installSstDouble>;
