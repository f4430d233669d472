import { s3Event, s3Record } from "../events/s3";
import type { CreatedObject } from "./front";

/** A bucket notification as the manifest (and so the deployed stack) declares it. */
export interface NotificationConfig {
  /** The notification's name: S3 passes it as `configurationId`. */
  configurationId: string;
  events: readonly string[];
  filterPrefix?: string;
  filterSuffix?: string;
}

/** S3's matching: `s3:ObjectCreated:*` covers every creation; prefix and suffix apply to the plain key. */
export function matchesNotification(config: NotificationConfig, eventName: string, key: string): boolean {
  const full = `s3:${eventName}`;
  const eventMatches = config.events.some((pattern) =>
    pattern.endsWith(":*") ? full.startsWith(pattern.slice(0, -1)) : full === pattern,
  );
  return eventMatches && key.startsWith(config.filterPrefix ?? "") && key.endsWith(config.filterSuffix ?? "");
}

/** The event S3 sends a subscriber for one created object: one record, as S3 sends them. */
export function notificationEvent(config: NotificationConfig, object: CreatedObject, region: string) {
  return s3Event([
    s3Record({
      bucket: object.bucket,
      key: object.key,
      size: object.size,
      eTag: object.eTag,
      eventName: object.eventName,
      eventTime: object.eventTime,
      configurationId: config.configurationId,
      sourceIp: object.sourceIp,
      requestId: object.requestId,
      hostId: object.hostId,
      region,
    }),
  ]);
}
