import { lazy, Suspense } from "react";
import { useRoute } from "./lib/route";
import { hrefFor } from "./lib/route";
import { SignOut } from "./features/auth/SignOut";
import { useSession } from "./features/auth/use-session";
import { useSignInCallback } from "./features/auth/use-callback";
import { UsersList } from "./features/users/UsersList";

// Each screen but the list is its own chunk, loaded when opened: a signed-in visitor's first page
// carries the list and nothing else.
const SignIn = lazy(() => import("./features/auth/SignIn"));
const CreateUser = lazy(() => import("./features/user-form/CreateUser"));
const UserDetail = lazy(() => import("./features/users/UserDetail"));

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
          <UsersList />
        )}
      </main>
    </>
  );
}
