import { Hono } from "hono";
import { AvatarUploadRequest, type AvatarUseCases } from "@users/core/avatars";
import type { ApiEnv } from "../env";
import { IdParam, ThumbnailParam } from "../params";
import { validate } from "../validate";

/**
 * Uploads go straight to the bucket with a signed form. Thumbnails are public, immutable objects
 * behind the CDN: the user's `avatar.thumbnails` already holds their URLs; this route redirects there.
 */
export const avatarRoutes = (avatars: AvatarUseCases) =>
  new Hono<ApiEnv>()
    .post("/users/:id/avatar", validate("param", IdParam), validate("json", AvatarUploadRequest), async (c) => {
      const grant = await avatars.requestUpload(c.req.valid("param").id, c.req.valid("json"));
      // A signed form is a credential for one upload: no cache may keep it.
      return c.json(grant, 201, { "cache-control": "no-store" });
    })
    .get("/users/:id/avatar/:size", validate("param", ThumbnailParam), async (c) => {
      const { id, size } = c.req.valid("param");
      // The target never changes, but the user's avatar may: the redirect is kept only briefly.
      c.header("cache-control", "private, max-age=30");
      return c.redirect(await avatars.thumbnailUrl(id, size), 302);
    });
