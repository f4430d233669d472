import { useEffect, useState } from "react";
import { setTokens } from "../../lib/auth/session";

const isCallback = (url: URL) => (url.searchParams.has("code") || url.searchParams.has("error")) && url.searchParams.has("state");

// A code is good once: React's development double-render must not trade it twice.
let completing: Promise<void> | undefined;

/** On the issuer's redirect back, trades the code for tokens; the OIDC code loads only then. */
export function useSignInCallback(): { busy: boolean; error: unknown } {
  const [state, setState] = useState<{ busy: boolean; error: unknown }>(() => ({ busy: isCallback(new URL(window.location.href)), error: null }));
  useEffect(() => {
    const url = new URL(window.location.href);
    if (!completing && !isCallback(url)) return;
    completing ??= import("../../lib/auth/oidc").then(({ completeSignIn }) => completeSignIn(url)).then(setTokens);
    completing.then(
      () => setState({ busy: false, error: null }),
      (error: unknown) => setState({ busy: false, error }),
    );
  }, []);
  return state;
}
