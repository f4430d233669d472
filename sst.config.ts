/// <reference path="./.sst/platform/config.d.ts" />

/**
 * AWS infrastructure for the users API. Resources live in infra/*.ts and take every setting the
 * offline runtime shares from infra/manifest.ts. Deployment knobs (region, issuer, domain, alarm
 * topic and email) are environment variables: see the README, "Deploy".
 */
export default $config({
  async app(input) {
    const { manifest } = await import("./infra/manifest");
    return {
      name: manifest.app.name,
      // The CLI refuses to run if it is not this version (same as every package.json).
      version: "4.17.1",
      home: "aws",
      providers: { aws: { region: process.env.AWS_REGION ?? "us-east-1" } },
      removal: input?.stage === "prod" ? "retain" : "remove",
      protect: ["prod"].includes(input?.stage),
    };
  },
  async run() {
    const { cdn } = await import("./infra/cdn");
    await import("./infra/storage");
    const { auth } = await import("./infra/auth");
    await import("./infra/likes");
    await import("./infra/uploads");
    const { api } = await import("./infra/api");
    const { site } = await import("./infra/web");
    const { alarmTopic } = await import("./infra/alarms");

    return {
      api: api.url,
      issuer: auth.issuer,
      web: site.url,
      cdn: cdn.url,
      ...(auth.clientId && { clientId: auth.clientId, userPoolId: auth.userPoolId, tokenUrl: auth.tokenUrl }),
      ...(auth.webClientId && { webClientId: auth.webClientId, signInUrl: auth.signInUrl }),
      ...(alarmTopic && { alarmTopic: alarmTopic.arn }),
    };
  },
});
