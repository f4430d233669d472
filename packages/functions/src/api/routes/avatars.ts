import { Hono } from "hono";
import { AvatarUploadRequest, type AvatarUseCases } from "@users/core/avatars";
import type { ApiEnv } from "../env";
import { IdParam, ThumbnailParam } from "../params";
import { validate } from "../validate";

/** Uploads go straight to the bucket with a signed form; thumbnails are served by redirect. */
export const avatarRoutes = (avatars: AvatarUseCases) =>
  new Hono<ApiEnv>()
    .post("/users/:id/avatar", validate("param", IdParam), validate("json", AvatarUploadRequest), async (c) => {
      const grant = await avatars.requestUpload(c.req.valid("param").id, c.req.valid("json"));
      // A signed form is a credential for one upload: no cache may keep it.
      return c.json(grant, 201, { "cache-control": "no-store" });
    })
    .get("/users/:id/avatar/:size", validate("param", ThumbnailParam), async (c) => {
      const { id, size } = c.req.valid("param");
      // The target expires within a minute, so neither may the redirect be cached for longer.
      c.header("cache-control", "private, max-age=30");
      return c.redirect(await avatars.thumbnailUrl(id, size), 302);
    });
