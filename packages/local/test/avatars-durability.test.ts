import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import sharp from "sharp";
import { exited, fixedPorts, forkRuntime, killGroup, waitUntilFree } from "./support/killable-runtime";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { manifest } from "../../../infra/manifest";
import { createTokenSigner, issuerUrl, loadOrCreateIssuerKey } from "../src/auth";
import { createMemoryLogger, localCredentials, localRegion, start } from "../src/index";
import type { Runtime } from "../src/index";
import { notificationJournalPath, readPendingNotifications } from "../src/s3/notification-journal";
import { listenToHandlers } from "./support/channel";
import type { Reports } from "./support/channel";

/**
 * SPEC: nothing a user wrote is silently dropped. An avatar upload answered 204 owes the user their
 * thumbnails, as S3's at-least-once notification and Lambda's async queue do on AWS: offline, the
 * notification survives a SIGKILL of the whole runtime right after the 204, and a stop (what Ctrl-C
 * does) while its subscriber is still failing; a later start on the same data folder delivers it.
 */
let dataDir: string;
const running: Runtime[] = [];
const children: ChildProcess[] = [];
let reports: Reports<{ kind: string; keys: string[] }> | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "users-avatars-durability-"));
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) killGroup(child);
  await Promise.all(running.splice(0).map((runtime) => runtime.stop()));
  reports?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const handlers = new URL("./handlers/", import.meta.url).pathname;
/**
 * The subscriber of the first two runs always fails, with its retry an hour away: the notification
 * is still owed whenever those runs end, and the real subscriber only ever runs in the last one.
 */
const subscriberDown = {
  functions: { uploads: { handler: `${handlers}uploads-unavailable.handler` } },
  asyncRetryDelaysMs: [3_600_000],
};

interface Upload {
  userId: string;
  key: string;
}

/** What the console does: create a user, ask for a grant, POST the form to S3; resolves on the 204. */
async function uploadAvatar(apiUrl: string, token: string, name: string): Promise<Upload> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const created = await fetch(`${apiUrl}/users`, {
    method: "POST",
    headers,
    body: JSON.stringify({ username: `${name}_${Date.now().toString(36)}`, name, email: `${name}@example.com`, age: 30 }),
  });
  expect(created.status).toBe(201);
  const userId = ((await created.json()) as { id: string }).id;
  const image = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 80, b: 40 } } }).png().toBuffer();
  const granted = await fetch(`${apiUrl}/users/${userId}/avatar`, { method: "POST", headers, body: JSON.stringify({ contentType: "image/png", contentLength: image.length }) });
  expect(granted.status).toBe(201);
  const grant = (await granted.json()) as { upload: { url: string; fields: Record<string, string> } };
  const form = new FormData();
  for (const [field, value] of Object.entries(grant.upload.fields)) form.append(field, value);
  form.append("file", new Blob([new Uint8Array(image)], { type: "image/png" }), "avatar.png");
  const uploaded = await fetch(grant.upload.url, { method: "POST", body: form });
  expect(uploaded.status).toBe(204);
  return { userId, key: grant.upload.fields.key! };
}

const pendingKeys = () => readPendingNotifications(notificationJournalPath(dataDir)).map((notification) => notification.key).sort();

describe("an avatar upload answered 204 is processed", () => {
  it("after a SIGKILL right after the 204, and after a stop while its subscriber fails, each once", { timeout: 240_000 }, async () => {
    const ports = await fixedPorts();
    // The key the runtimes will load from the data folder: tokens signed now are valid in all three.
    const sign = createTokenSigner({ key: await loadOrCreateIssuerKey(dataDir), issuer: issuerUrl(ports.issuer), audience: manifest.auth.localAudience });
    const token = await sign({ sub: "avatar-durability", scope: "users:read users:write" });
    const apiUrl = `http://127.0.0.1:${ports.api}`;

    // Run 1, in a process group of its own so one kill takes the runtime, its JVM and s3rver together.
    const { child, ready } = forkRuntime({ dataDir, ports, options: subscriberDown });
    children.push(child);
    await ready;
    const killed = await uploadAvatar(apiUrl, token, "killed");
    killGroup(child);
    await exited(child);
    // On file no later than the 204: the kill came at once, and the notification is there.
    expect(pendingKeys()).toEqual([killed.key]);
    await waitUntilFree(Object.values(ports));

    // Run 2: the kill's notification is delivered again at start; a new upload's subscriber fails; then a stop.
    reports = listenToHandlers();
    const second = await start({ dataDir, ports, logger: createMemoryLogger(), ...subscriberDown, functionEnv: { TEST_CHANNEL: reports.name } });
    running.push(second);
    await reports.waitFor((all) => all.some((report) => report.keys.includes(killed.key)));
    const stopped = await uploadAvatar(apiUrl, token, "stopped");
    await reports.waitFor((all) => all.some((report) => report.keys.includes(stopped.key)));
    await second.stop();
    running.splice(running.indexOf(second), 1);
    expect(pendingKeys()).toEqual([killed.key, stopped.key].sort());

    // Run 3, with the real subscriber: both users get their thumbnails, from one successful invocation each.
    const logger = createMemoryLogger();
    const third = await start({ dataDir, ports, logger });
    running.push(third);
    const s3 = new S3Client({ endpoint: third.endpoints.s3, region: localRegion, credentials: localCredentials, forcePathStyle: true });
    try {
      for (const upload of [killed, stopped]) {
        const avatar = await avatarOf(apiUrl, token, upload.userId);
        for (const size of ["64", "128", "256"]) expect((await fetch(avatar.thumbnails[size]!)).status).toBe(200);
        const thumbnails = await s3.send(new ListObjectsV2Command({ Bucket: third.resources.bucketName, Prefix: `thumbnails/${upload.userId}/` }));
        expect(thumbnails.Contents?.length).toBe(3);
      }
      await waitFor(() => readPendingNotifications(notificationJournalPath(dataDir)).length === 0, "the journal to be empty");
      const invocations = logger.invocations.filter((entry) => entry.functionName === manifest.functions.uploads.name);
      expect(invocations.map((entry) => ({ key: [killed.key, stopped.key].find((key) => entry.summary.includes(key)), outcome: entry.outcome })).sort((a, b) => a.key!.localeCompare(b.key!))).toEqual(
        [killed.key, stopped.key].sort().map((key) => ({ key, outcome: "ok" })),
      );
    } finally {
      s3.destroy();
    }
  });
});

async function avatarOf(apiUrl: string, token: string, userId: string): Promise<{ thumbnails: Record<string, string> }> {
  let avatar: { thumbnails: Record<string, string> } | null = null;
  await waitFor(async () => {
    const response = await fetch(`${apiUrl}/users/${userId}`, { headers: { authorization: `Bearer ${token}` } });
    avatar = ((await response.json()) as { avatar: typeof avatar }).avatar;
    return avatar !== null;
  }, `user ${userId}'s avatar`);
  return avatar!;
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
