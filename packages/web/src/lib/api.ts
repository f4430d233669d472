import { createClient, unwrap } from "@users/client";
import type { UsersClient } from "@users/client";
import { QueryClient } from "@tanstack/react-query";
import { config } from "./config";
import { getAccessToken, refreshNow, SignedOutError } from "./auth/session";
import { toProblem } from "./problem";

/** The one typed client: every call asks the session for a fresh token first. */
export const api: UsersClient = createClient({ baseUrl: config.apiUrl, getToken: getAccessToken });
export { unwrap };

/** TanStack Query's cache is the console's only state store for server data. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      retry: (failures, error) => {
        // A 401 with a refresh token left: refresh once and try again; otherwise the error is the answer.
        if (toProblem(error).status === 401 && failures === 0) {
          void refreshNow().catch(() => undefined);
          return true;
        }
        return false;
      },
    },
  },
});

export const isSignedOut = (error: unknown) => error instanceof SignedOutError;
