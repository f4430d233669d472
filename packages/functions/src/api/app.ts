import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { UserUseCases } from "@users/core/users";
import type { AvatarUseCases } from "@users/core/avatars";
import type { LikeUseCases } from "@users/core/likes";
import { noBodyOnBodylessMethods } from "./body";
import type { ApiEnv } from "./env";
import { notFoundRoute, onError, problem } from "./problem";
import { requestLog } from "./request-log";
import { avatarRoutes } from "./routes/avatars";
import { docsRoutes } from "./routes/docs";
import { healthRoutes } from "./routes/health";
import { likeRoutes } from "./routes/likes";
import { userRoutes } from "./routes/users";
import { requireScopes } from "./scopes";

/** Everything the routes need, built once per Lambda by the composition root (`handler.ts`). */
export interface ApiDependencies {
  users: UserUseCases;
  likes: LikeUseCases;
  avatars: AvatarUseCases;
}

const MAX_BODY_BYTES = 1024 * 1024;

export function createApp(deps: ApiDependencies) {
  const app = new Hono<ApiEnv>();
  app.use(requestLog);
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        problem(c, 405, `${c.req.method} is not allowed here; use ${methods.join(", ")}`, { headers: { allow: methods.join(", ") } }),
    }),
  );
  app.use(noBodyOnBodylessMethods);
  app.use(requireScopes);
  app.use(bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => problem(c, 413, "the request body is larger than 1 MiB") }));
  app.onError(onError);
  app.notFound(notFoundRoute);
  return app
    .route("/", healthRoutes())
    .route("/", docsRoutes())
    .route("/", userRoutes(deps.users))
    .route("/", likeRoutes(deps.likes))
    .route("/", avatarRoutes(deps.avatars));
}

/** The API's type, for `hc<AppType>` in `@users/client`. */
export type AppType = ReturnType<typeof createApp>;
