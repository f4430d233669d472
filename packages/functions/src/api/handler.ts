import { handle } from "hono/aws-lambda";
import { createApp } from "./app";
import { createDependencies } from "./container";

/** The API Lambda: one function, every route, clients built once at cold start. */
export const handler = handle(createApp(createDependencies()));
