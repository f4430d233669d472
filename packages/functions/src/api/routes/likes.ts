import { Hono } from "hono";
import type { LikeUseCases } from "@users/core/likes";
import { noBody } from "../body";
import type { ApiEnv } from "../env";
import { IdParam } from "../params";
import { validate } from "../validate";

/** Accepted at once, counted later by the queue subscriber. The liker is the token's subject, never the body. */
export const likeRoutes = (likes: LikeUseCases) =>
  new Hono<ApiEnv>().post("/users/:id/likes", validate("param", IdParam), noBody, async (c) => {
    // `requireScopes` has set the principal on every route it guards, this one included.
    await likes.like(c.req.valid("param").id, c.get("principal")!.sub);
    return c.json({ status: "accepted" as const }, 202);
  });
