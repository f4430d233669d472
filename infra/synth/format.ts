/** The plan as text a reviewer reads top to bottom. */
import type { Plan, Statement } from "./plan";

export function formatPlan(plan: Plan): string {
  const lines: string[] = [];
  const out = (line = "") => lines.push(line);
  const section = (title: string) => out(`\n${title}`);

  out(`${plan.app.name} — stage ${plan.stage}${plan.dev ? " (as `sst dev` evaluates it)" : ""}, ${plan.app.region}`);
  out(`removal: ${plan.app.removal} · protect (sst remove refused): ${plan.app.protect ? "yes" : "no"} · ${plan.awsResources.length} AWS resources`);

  for (const fn of plan.functions) {
    section(`Function ${fn.name}`);
    out(`  ${fn.handler} · ${fn.runtime} ${fn.architecture} · ${fn.memoryMb} MB · ${fn.timeoutSeconds} s timeout`);
    if (fn.logRetentionDays) out(`  logs kept ${fn.logRetentionDays} days`);
    if (fn.asyncRetries !== undefined) out(`  async retries: ${fn.asyncRetries}`);
    out(`  environment: ${fn.environment.join(", ") || "(none)"}`);
    out(`  links (Resource.X): ${Object.keys(fn.links).join(", ") || "(none)"}`);
    out(`  trusts: ${Object.entries(fn.role.trust).map(([type, ids]) => `${type} ${ids.join(", ")}`).join("; ")}`);
    for (const policy of fn.role.managedPolicies) out(`  managed policy: ${policy.split(":").at(-1)}`);
    for (const s of fn.role.statements) out(`  ${statement(s)}`);
  }

  if (plan.api) {
    const api = plan.api;
    section(`HTTP API ${api.name}${api.domain ? ` on ${api.domain}` : ""}`);
    out(`  throttling: burst ${api.throttling.burstLimit}, rate ${api.throttling.rateLimit}/s · access logs kept ${api.accessLogRetentionDays} days`);
    out(`  CORS: ${JSON.stringify(api.cors)}`);
    for (const a of api.authorizers) {
      out(`  authorizer ${a.name}: ${a.type} from ${a.identitySources.join(", ")} · issuer ${a.issuer} · audiences ${a.audiences?.join(", ")}`);
    }
    for (const r of api.routes) {
      out(`  ${r.key.padEnd(22)} ${r.authorization === "NONE" ? "public" : `${r.authorization} (${r.authorizer})`} → ${r.function} (${r.timeoutMs} ms)`);
    }
  }

  section("Queues");
  for (const q of plan.queues) {
    out(`  ${q.name}: visibility ${q.visibilityTimeoutSeconds} s · retention ${q.retentionSeconds / 86_400} days${q.dlq ? ` · to ${q.dlq.queue} after ${q.dlq.maxReceiveCount} receives` : ""}`);
  }
  for (const e of plan.eventSources) {
    out(`  ${e.queue} → ${e.function}: batch ${e.batchSize}, window ${e.windowSeconds} s, partial responses ${e.partialResponses ? "on" : "off"}`);
  }

  section("Bucket notifications");
  for (const n of plan.bucketNotifications) out(`  ${n.bucket} ${n.events.join(", ")} under "${n.filterPrefix ?? ""}" → ${n.function}`);

  section("Alarms");
  for (const a of plan.alarms) out(`  ${a.name}: ${a.metric} ${a.comparison} ${a.threshold} → ${a.actions.join(", ") || "(no action)"}`);
  for (const t of plan.topics) {
    out(`  topic ${t.name}: ${t.subscriptions.map((s) => `${s.protocol} ${s.endpoint}`).join(", ") || "no subscription (set ALARM_EMAIL)"}`);
  }

  section("Site, CDN and sign-in clients");
  for (const d of plan.distributions) {
    out(`  CloudFront ${d.component}: ${d.aliases.join(", ") || "its cloudfront.net domain"} · ${d.viewerProtocolPolicy}${d.compress ? " · compressed" : ""}`);
  }
  for (const p of plan.bucketPolicies) {
    for (const s of p.statements) out(`  ${p.component}: ${s.effect} ${s.principal} ${s.actions.join(", ")} on ${s.resources.join(", ")}`);
  }
  for (const c of plan.appClients) {
    out(`  app client ${c.component}: ${c.flows.join(", ") || "no OAuth flow"} · ${c.secret ? "with a secret" : "public (no secret)"} · scopes ${c.scopes.join(" ")}`);
    if (c.callbackUrls.length) out(`    callbacks ${c.callbackUrls.join(", ")} · sign-out ${c.logoutUrls.join(", ")}`);
  }

  section("Kept and guarded");
  for (const r of plan.retained) out(`  retained on removal: ${r}`);
  for (const r of plan.protected) out(`  protected: ${r}`);
  for (const b of plan.builds) out(`  built on deploy: ${b.component}: \`${b.command}\` in ${b.dir}`);

  section("Outputs");
  for (const [key, value] of Object.entries(plan.outputs)) if (!key.startsWith("_")) out(`  ${key}: ${value}`);
  return lines.join("\n");
}

function statement(s: Statement) {
  return `${s.effect} ${s.actions.join(", ")} on ${s.resources.join(", ")}`;
}
