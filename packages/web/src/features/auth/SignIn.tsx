import { useMutation } from "@tanstack/react-query";
import { ErrorNotice } from "../../components/ErrorNotice";
import { config } from "../../lib/config";

/** The signed-out screen: one button to the issuer's sign-in page (code + PKCE). */
export default function SignIn({ error }: { error?: unknown }) {
  const signIn = useMutation({
    mutationFn: async () => (await import("../../lib/auth/oidc")).startSignIn(),
  });
  return (
    <section className="card sign-in" aria-labelledby="sign-in-heading">
      <h2 id="sign-in-heading">Sign in</h2>
      <p>
        Sign in with <strong>{new URL(config.issuer).host}</strong> to manage the users of <strong>{new URL(config.apiUrl).host}</strong>.
      </p>
      <ErrorNotice error={error ?? signIn.error} title="Sign-in failed" />
      <button type="button" className="primary" onClick={() => signIn.mutate()} disabled={signIn.isPending || signIn.isSuccess}>
        {signIn.isPending || signIn.isSuccess ? "Opening the sign-in page…" : "Sign in"}
      </button>
    </section>
  );
}
