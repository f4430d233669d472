import { join } from "node:path";
import { createAvatarsBucket } from "../resources/bucket";
import { startThumbnailCdn } from "../s3/cdn";
import { startS3Front } from "../s3/front";
import { createUsersTable, startDynamoDb } from "../servers/dynamodb";
import { startS3rver } from "../servers/s3rver";
import { need } from "./context";
import type { StartContext } from "./context";
import type { Cleanup, Step } from "./steps";

/** DynamoDB Local (unless an endpoint is configured) and the users table. */
export function tableStep(ctx: StartContext): Step {
  return {
    name: ctx.external.dynamodb ? `table ${ctx.names.table} at ${ctx.external.dynamodb}` : `DynamoDB Local, table ${ctx.names.table}`,
    run: async () => {
      let stop: Cleanup | undefined;
      if (!ctx.external.dynamodb) {
        const server = await startDynamoDb({
          port: need(ctx.ports, "ports").dynamodb,
          pidDir: join(ctx.dataDir, "run"),
          ...(ctx.inMemory ? {} : { dbPath: join(ctx.dataDir, "dynamodb") }),
        });
        stop = server.stop;
      }
      try {
        await createUsersTable(need(ctx.clients, "clients").dynamodb, ctx.names.table);
      } catch (error) {
        await stop?.();
        throw error;
      }
      return stop;
    },
  };
}

/** s3rver behind the S3 front (unless an endpoint is configured) and the avatars bucket. */
export function bucketStep(ctx: StartContext): Step {
  return {
    name: ctx.external.s3 ? `bucket ${ctx.names.bucket} at ${ctx.external.s3}, thumbnails CDN` : `S3 (s3rver + front), bucket ${ctx.names.bucket}, thumbnails CDN`,
    run: async () => {
      const stops: Cleanup[] = [];
      const stopAll = async () => {
        for (const stop of stops.reverse()) await stop();
      };
      try {
        if (!ctx.external.s3) {
          const s3rver = await startS3rver(ctx.inMemory ? {} : { directory: join(ctx.dataDir, "s3") });
          stops.push(s3rver.stop);
          const front = await startS3Front({
            port: need(ctx.ports, "ports").s3,
            upstream: `http://127.0.0.1:${s3rver.port}`,
            credentials: ctx.credentials,
            region: ctx.region,
            onObjectCreated: (object) => ctx.onObjectCreated(object),
            ...(ctx.iam ? { iam: ctx.iam } : {}),
          });
          stops.push(front.stop);
        }
        await createAvatarsBucket(need(ctx.clients, "clients").s3, ctx.names.bucket, ctx.consoleOrigins);
        // CloudFront in front of the thumbnail prefix, offline: thumbnail URLs work in <img> as they are.
        const cdn = await startThumbnailCdn({ port: need(ctx.ports, "ports").cdn, s3: need(ctx.clients, "clients").s3, bucketName: ctx.names.bucket });
        stops.push(cdn.stop);
      } catch (error) {
        await stopAll();
        throw error;
      }
      return stops.length > 0 ? stopAll : undefined;
    },
  };
}
