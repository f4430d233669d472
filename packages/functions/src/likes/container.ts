import { Logger } from "@aws-lambda-powertools/logger";
import { Resource } from "sst/resource";
import * as z from "zod";
import { createDynamoLikeStore, createLikeCounter } from "@users/core/likes";
import { documentClient } from "../clients/dynamodb";
import type { LikesSubscriberDependencies } from "./subscriber";

const Config = z.object({
  tableName: z.string().min(3),
  /** TEST-ONLY (see fault-injection.ts): share of invocations that throw after writing, 0 to 1. */
  faultRate: z.coerce.number().min(0).max(1).default(0),
});

/** The likes subscriber's composition root: config checked once at cold start, clients built once per container. */
export function createLikesDependencies(): LikesSubscriberDependencies & { faultRate: number } {
  const config = Config.parse({ tableName: Resource.Users.name, faultRate: process.env.LIKES_FAULT_RATE || undefined });
  const documents = documentClient();
  const logger = new Logger({ serviceName: "likes-subscriber" });
  if (config.faultRate > 0) logger.warn("LIKES_FAULT_RATE is set: invocations will fail on purpose (test-only)", { faultRate: config.faultRate });
  return {
    counter: createLikeCounter({ store: createDynamoLikeStore({ client: documents, tableName: config.tableName }) }),
    logger,
    faultRate: config.faultRate,
  };
}
