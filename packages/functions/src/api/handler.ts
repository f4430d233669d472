import { createApp } from "./app";
import { createDependencies } from "./container";
import { lambdaHandler } from "./lambda-adapter";

/** The API Lambda: one function, every route, clients built once at cold start. */
export const handler = lambdaHandler(createApp(createDependencies()));
