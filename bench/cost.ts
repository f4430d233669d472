/**
 * Cost on paper: what a million `GET /users/{id}` would cost on AWS, from the warm duration measured
 * here and the API function's memory in the infra manifest, beside API Gateway's own price.
 */
import { manifest } from "../infra/manifest";
import type { Row, Section } from "./report";
import { round, type Summary } from "./stats";
import type { WarmOutcome } from "./warm";

/**
 * us-east-1 list prices (on-demand, no free tier, first pricing tier), as published on the pages
 * named in `source`. Check them before quoting: AWS changes prices (DynamoDB on-demand halved on
 * 2024-11-01).
 */
export const prices = {
  apiGatewayHttpPerMillion: { usd: 1.0, source: "AWS API Gateway pricing, HTTP APIs: $1.00 per million requests, first 300 million per month" },
  lambdaArmPerGbSecond: { usd: 0.0000133334, source: "AWS Lambda pricing, Arm: $0.0000133334 per GB-second, first 7.5 billion GB-s per month" },
  lambdaRequestsPerMillion: { usd: 0.2, source: "AWS Lambda pricing: $0.20 per million requests" },
  dynamoReadPerMillionRru: { usd: 0.125, source: "Amazon DynamoDB on-demand pricing: $0.125 per million read request units (since the 2024-11-01 reduction)" },
  cloudWatchLogsIngestPerGb: { usd: 0.5, source: "Amazon CloudWatch pricing, Logs standard ingestion: $0.50 per GB" },
} as const;

/** Lambda bills duration rounded up to the millisecond. */
const billedMs = (ms: number) => Math.max(1, Math.ceil(ms));

/** A strongly consistent GetItem of an item up to 4 KB is one read request unit (the store reads consistently). */
const READ_UNITS_PER_GET = 1;

interface Breakdown {
  billedMs: number;
  lambdaCompute: number;
  lambdaRequests: number;
  apiGateway: number;
  dynamo: number;
  logs: number;
  total: number;
}

function perMillion(durationMs: number, memoryMb: number, logBytes: number): Breakdown {
  const billed = billedMs(durationMs);
  const lambdaCompute = 1e6 * (billed / 1000) * (memoryMb / 1024) * prices.lambdaArmPerGbSecond.usd;
  const lambdaRequests = prices.lambdaRequestsPerMillion.usd;
  const apiGateway = prices.apiGatewayHttpPerMillion.usd;
  const dynamo = READ_UNITS_PER_GET * prices.dynamoReadPerMillionRru.usd;
  const logs = ((1e6 * logBytes) / 1024 ** 3) * prices.cloudWatchLogsIngestPerGb.usd;
  return { billedMs: billed, lambdaCompute, lambdaRequests, apiGateway, dynamo, logs, total: lambdaCompute + lambdaRequests + apiGateway + dynamo + logs };
}

const usd = (value: number) => `$${value.toFixed(value < 0.1 ? 4 : 3)}`;

export function runCost(warm: WarmOutcome | undefined): Section {
  const title = "Cost on paper: one million GET /users/{id} on AWS (us-east-1, arm64)";
  const api: Summary | undefined = warm?.apiGetMs;
  if (!api) return { title, rows: [], notes: [], goals: [], unavailable: "needs the warm section's measured duration, which did not run" };
  const memoryMb = manifest.functions.api.memoryMb;
  const ours = perMillion(api.median, memoryMb, warm?.apiLogBytes ?? 0);
  const slow = perMillion(api.p75, memoryMb, warm?.apiLogBytes ?? 0);
  const raw = warm?.rawGetMs ? perMillion(warm.rawGetMs.median, memoryMb, warm.rawLogBytes ?? 0) : undefined;

  const rows: Row[] = [
    { figure: "measured warm duration (median; billed)", value: `${round(api.median)} ms; ${ours.billedMs} ms`, baseline: raw ? `raw ${round(warm?.rawGetMs?.median ?? Number.NaN)} ms; ${raw.billedMs} ms` : undefined },
    { figure: `Lambda compute (${memoryMb} MB × billed ms × $${prices.lambdaArmPerGbSecond.usd}/GB-s)`, value: usd(ours.lambdaCompute), baseline: raw ? `raw ${usd(raw.lambdaCompute)}` : undefined },
    { figure: "Lambda requests", value: usd(ours.lambdaRequests) },
    { figure: `DynamoDB: ${READ_UNITS_PER_GET} strongly consistent read unit`, value: usd(ours.dynamo) },
    { figure: `CloudWatch Logs: ${Math.round(warm?.apiLogBytes ?? 0)} B logged per request`, value: usd(ours.logs), baseline: raw ? `raw ${usd(raw.logs)} (${Math.round(warm?.rawLogBytes ?? 0)} B)` : undefined },
    {
      figure: "total per million, including API Gateway",
      value: `${usd(ours.total)} (at the p75 duration: ${usd(slow.total)})`,
      baseline: `API Gateway alone ${usd(ours.apiGateway)}`,
      ratio: `${round(ours.total / ours.apiGateway)}× API Gateway`,
    },
  ];
  if (raw) rows.push({ figure: "total with the raw handler instead", value: usd(raw.total), ratio: `API costs ${round(ours.total / raw.total)}× raw` });

  return {
    title,
    rows,
    goals: [],
    notes: [
      `Prices (us-east-1, list, no free tier): ${Object.values(prices)
        .map((price) => price.source)
        .join("; ")}. From the published price pages as last known to the author; check before quoting.`,
      "Duration is measured here on x86 against DynamoDB Local on loopback, not on Graviton against DynamoDB: an in-region GetItem typically takes a few ms, so AWS bills more Lambda ms than this; the framework overhead (warm section) is the part the code controls. Lambda's own START/END/REPORT log lines (~300 B) are not counted; data transfer is ignored.",
    ],
  };
}
