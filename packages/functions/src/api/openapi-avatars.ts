import { AvatarUploadGrant, AvatarUploadRequest, MAX_AVATAR_BYTES, UPLOAD_GRANT_SECONDS } from "@users/core/avatars";
import type { RouteDoc } from "./openapi-route";
import { IdParam, ThumbnailParam } from "./params";

const exampleId = "01J9ZQ4X8K3M5N7P9R1T3V5X7Z";

export const avatarRouteDocs: RouteDoc[] = [
  {
    method: "POST",
    path: "/users/:id/avatar",
    operationId: "requestAvatarUpload",
    tag: "Avatars",
    summary: "Get a signed upload for a new avatar",
    description: [
      `Answers with a form upload straight to storage, valid ${UPLOAD_GRANT_SECONDS / 60} minutes:`,
      "POST `multipart/form-data` to `upload.url` with every one of `upload.fields`, then the image as the last field, `file`.",
      `Storage refuses another content type or a body over ${MAX_AVATAR_BYTES / 1024 / 1024} MiB.`,
      "The 64, 128 and 256 px thumbnails appear on the user shortly after, as `avatar.thumbnails`:",
      "public, immutable URLs on the CDN that work in `<img src>` as they are (no token), cacheable for a year.",
    ].join(" "),
    request: {
      params: IdParam,
      body: AvatarUploadRequest,
      bodyExample: { contentType: "image/png", contentLength: 48213 },
      examples: { id: exampleId },
    },
    responses: { 201: { description: "Where and how to upload the image.", body: AvatarUploadGrant, headers: { "Cache-Control": "`no-store`: the signed form is a credential for one upload." } } },
    errors: { 404: "No such user." },
  },
  {
    method: "GET",
    path: "/users/:id/avatar/:size",
    operationId: "getAvatar",
    tag: "Avatars",
    summary: "Get a user's avatar thumbnail",
    description:
      "Redirects to the thumbnail's public URL on the CDN: the same URL as in the user's `avatar.thumbnails`, which browsers can use directly.",
    request: { params: ThumbnailParam, examples: { id: exampleId, size: "128" } },
    responses: { 302: { description: "Redirects to the public, immutable URL of the square WebP thumbnail.", headers: { Location: "The thumbnail's URL." } } },
    errors: { 404: "No such user, or the user has no avatar yet." },
  },
];
