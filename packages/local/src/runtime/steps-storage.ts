import { join } from "node:path";
import { clientsOf, listenPort, need } from "./context";
import type { StartContext } from "./context";
import type { Cleanup, Step } from "./steps";
import { uploadsNotification } from "./steps-functions";

// Each step imports its servers and the SDK when it runs (lazily): they load while the JVM starts.

/** DynamoDB Local (unless an endpoint is configured) and the users table. */
export function tableStep(ctx: StartContext): Step {
  return {
    name: ctx.external.dynamodb ? `table ${ctx.names.table} at ${ctx.external.dynamodb}` : `DynamoDB Local, table ${ctx.names.table}`,
    run: async () => {
      const { startDynamoDb } = await import("../servers/dynamodb");
      let stop: Cleanup | undefined;
      if (!ctx.external.dynamodb) {
        const server = await startDynamoDb({
          port: await listenPort(ctx, "dynamodb"),
          pidDir: join(ctx.dataDir, "run"),
          ...(ctx.inMemory ? {} : { dbPath: join(ctx.dataDir, "dynamodb") }),
        });
        stop = server.stop;
      }
      try {
        // clientsOf waits for the SDK clients the ports step began loading (start.ts).
        const [{ createUsersTable }, clients] = await Promise.all([import("../resources/table"), clientsOf(ctx)]);
        await createUsersTable(clients.dynamodb, ctx.names.table);
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
          const { startS3rver } = await import("../servers/s3rver");
          const s3rver = await startS3rver(ctx.inMemory ? {} : { directory: join(ctx.dataDir, "s3") });
          stops.push(s3rver.stop);
          // s3rver is a process of its own; the front runs on this thread, so it loads after the sandboxes (context.ts).
          // By then the uploads subscriber's invoker is wired to ctx.onObjectCreated too, which the
          // front needs at once: it delivers the notifications a stopped or killed run left pending.
          await ctx.sandboxesCreated.reached;
          const [{ startS3Front }, { matchesNotification }, { notificationJournalPath, openNotificationJournal }] = await Promise.all([
            import("../s3/front"),
            import("../s3/notifications"),
            import("../s3/notification-journal"),
          ]);
          const journal = ctx.inMemory ? undefined : openNotificationJournal(notificationJournalPath(ctx.dataDir));
          // Closed after the front (cleanups run in reverse): nothing is recorded once it is closed.
          if (journal) stops.push(async () => journal.close());
          const front = await startS3Front({
            port: await listenPort(ctx, "s3"),
            upstream: `http://127.0.0.1:${s3rver.port}`,
            credentials: ctx.credentials,
            region: ctx.region,
            onObjectCreated: (object) => ctx.onObjectCreated(object),
            notifies: (creation) => matchesNotification(uploadsNotification, creation.eventName, creation.key),
            ...(journal ? { journal } : {}),
            ...(ctx.iam ? { iam: ctx.iam } : {}),
          });
          stops.push(front.stop);
        }
        const [{ createAvatarsBucket }, { startThumbnailCdn }, clients] = await Promise.all([
          import("../resources/bucket"),
          import("../s3/cdn"),
          clientsOf(ctx),
        ]);
        await createAvatarsBucket(clients.s3, ctx.names.bucket, ctx.consoleOrigins);
        // CloudFront in front of the thumbnail prefix, offline: thumbnail URLs work in <img> as they are.
        const cdn = await startThumbnailCdn({ port: await listenPort(ctx, "cdn"), s3: clients.s3, bucketName: ctx.names.bucket });
        stops.push(cdn.stop);
      } catch (error) {
        await stopAll();
        throw error;
      }
      return stops.length > 0 ? stopAll : undefined;
    },
  };
}
