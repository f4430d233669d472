import * as z from "zod";
import type { RouteDoc } from "./openapi-route";
import { IdParam } from "./params";

const LikeAccepted = z.object({ status: z.literal("accepted") }).meta({ id: "LikeAccepted" });

export const likeRouteDocs: RouteDoc[] = [
  {
    method: "POST",
    path: "/users/:id/likes",
    operationId: "likeUser",
    tag: "Likes",
    summary: "Like a user",
    description:
      "The liker is the token's `sub`; liking the same user twice counts once. Likes are counted asynchronously, so the user's `likes` catches up shortly after the 202.",
    request: { params: IdParam, examples: { id: "01J9ZQ4X8K3M5N7P9R1T3V5X7Z" } },
    responses: { 202: { description: "Accepted for counting.", body: LikeAccepted } },
    errors: { 404: "No such user." },
  },
];
