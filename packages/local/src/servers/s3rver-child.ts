/**
 * s3rver in a process of its own, started with `--openssl-legacy-provider`: its ListObjectsV2
 * continuation tokens use DES, which Node ≥ 17 only has with the legacy provider, so a truncated
 * listing answers 500 without it. A child keeps that flag out of the runtime's own process (and out
 * of vitest's). It exits when its parent goes, even on SIGKILL, because the IPC channel closes.
 */
import S3rver from "s3rver";

const directory = process.env.S3RVER_DIRECTORY;
if (!directory) throw new Error("S3RVER_DIRECTORY is required");

const server = new S3rver({
  address: "127.0.0.1",
  port: Number(process.env.S3RVER_PORT ?? 0),
  silent: true,
  directory,
  // Path-style only: the S3 front in front of it always addresses buckets by path.
  vhostBuckets: false,
});

const address = await server.run();
process.send?.({ type: "listening", port: address.port });

const stop = () => {
  void server.close().finally(() => process.exit(0));
};
process.on("message", (message: { type?: string }) => {
  if (message.type === "stop") stop();
});
process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", stop);
