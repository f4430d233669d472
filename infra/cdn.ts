/**
 * The CDN: one CloudFront distribution (an SST Router). The console's static site is served at `/`
 * (infra/web.ts); `/thumbnails/*` comes from the avatars bucket through origin access control, and
 * the bucket lets this distribution read that prefix only — originals stay private and unlisted.
 * Thumbnail keys are content-addressed and their objects say `immutable`, so the CDN and browsers
 * keep them; the API builds thumbnail URLs as `<url>/<key>` from the link to this component.
 *
 * It is made first: its URL is the console's origin, which the API's and the bucket's CORS and the
 * Cognito app client's callback URLs all need before the site itself can be built.
 */
import { config } from "./config";
import { manifest } from "./manifest";

export const cdn = new sst.aws.Router(manifest.cdn.name, {
  ...(config.webDomain ? { domain: config.webDomain } : {}),
});

/** Where the console is served deployed: the custom domain when WEB_DOMAIN is set, else CloudFront's. */
export const siteUrl = cdn.url;

/** Every browser origin the console runs on: the deployed site and local development (the manifest's). */
export const consoleOrigins = siteUrl.apply((url) => [new URL(url).origin, ...manifest.web.localOrigins]);

/** The distribution's ARN: the only principal the bucket policy lets read thumbnails. */
export const cdnArn = $interpolate`arn:aws:cloudfront::${aws.getCallerIdentityOutput({}).accountId}:distribution/${cdn.distributionID}`;

/** Routes the thumbnail prefix to the bucket (the request path is the object key, so no rewrite). */
export function serveThumbnails(bucket: sst.aws.Bucket) {
  cdn.routeBucket(manifest.cdn.thumbnailsPath, bucket);
}
