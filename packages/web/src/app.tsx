import { lazy, Suspense } from "react";
import { hrefFor, parseRoute, useRoute } from "./lib/route";
import { queryClient } from "./lib/api";
import { getSession } from "./lib/auth/session";
import { usersPageQuery } from "./features/users/api";
import { SignOut } from "./features/auth/SignOut";
import { useSession } from "./features/auth/use-session";
import { useSignInCallback } from "./features/auth/use-callback";

// Every screen is its own chunk, loaded when opened: the first page carries React, the query cache
// and the shell; the list follows in one small request (it keeps the initial JavaScript under budget).
const loadUsersList = () => import("./features/users/UsersList").then((m) => ({ default: m.UsersList }));
const UsersList = lazy(loadUsersList);
const SignIn = lazy(() => import("./features/auth/SignIn"));
const CreateUser = lazy(() => import("./features/user-form/CreateUser"));
const UserDetail = lazy(() => import("./features/users/UserDetail"));

// A signed-in visit to the list fetches its first page and the list's chunk side by side, as the
// page starts, instead of one after the other (render-as-you-fetch).
if (getSession() && parseRoute(window.location.hash).screen === "list") {
  void queryClient.prefetchQuery(usersPageQuery(undefined));
  void loadUsersList();
}

export function App() {
  const session = useSession();
  const callback = useSignInCallback();
  const route = useRoute();

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <h1>
          <a href={hrefFor({ screen: "list" })}>Users console</a>
        </h1>
        {session ? (
          <div className="who">
            <span>
              Signed in as <strong data-testid="subject">{session.subject}</strong>
            </span>
            <SignOut />
          </div>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        {callback.busy ? (
          <p aria-live="polite">Signing in…</p>
        ) : !session ? (
          <Suspense fallback={null}>
            <SignIn error={callback.error} />
          </Suspense>
        ) : route.screen === "new" ? (
          <Suspense fallback={<p>Loading…</p>}>
            <CreateUser />
          </Suspense>
        ) : route.screen === "user" ? (
          <Suspense fallback={<p>Loading…</p>}>
            <UserDetail key={route.id} id={route.id} />
          </Suspense>
        ) : (
          <Suspense fallback={<p>Loading…</p>}>
            <UsersList />
          </Suspense>
        )}
      </main>
    </>
  );
}
