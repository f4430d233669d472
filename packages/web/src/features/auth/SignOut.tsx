import { useQueryClient } from "@tanstack/react-query";
import { getSession, setTokens } from "../../lib/auth/session";

/** Forgets the tokens at once, then ends the session at the issuer if it offers a way. */
export function SignOut() {
  const queryClient = useQueryClient();
  const signOut = async () => {
    const tokens = getSession()?.tokens;
    setTokens(null);
    queryClient.clear();
    if (!tokens) return;
    const { signOutAtIssuer } = await import("../../lib/auth/oidc");
    const endSession = await signOutAtIssuer(tokens).catch(() => undefined);
    if (endSession) window.location.assign(endSession);
  };
  return (
    <button type="button" onClick={() => void signOut()}>
      Sign out
    </button>
  );
}
