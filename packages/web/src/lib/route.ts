import { useSyncExternalStore } from "react";

/**
 * Screens live in the hash (`#/users/<id>`, `#/new`): a static host serves one index.html for
 * all of them, and the query string stays free for the sign-in callback.
 */
export type Route = { screen: "list" } | { screen: "new" } | { screen: "user"; id: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "");
  const user = /^\/users\/([0-9A-Za-z]+)$/.exec(path);
  if (user) return { screen: "user", id: user[1]! };
  if (path === "/new") return { screen: "new" };
  return { screen: "list" };
}

export const hrefFor = (route: Route): string =>
  route.screen === "user" ? `#/users/${route.id}` : route.screen === "new" ? "#/new" : "#/";

export function navigate(route: Route): void {
  window.location.hash = hrefFor(route);
}

const subscribe = (listener: () => void) => {
  window.addEventListener("hashchange", listener);
  return () => window.removeEventListener("hashchange", listener);
};

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
