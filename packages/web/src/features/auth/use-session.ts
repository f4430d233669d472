import { useSyncExternalStore } from "react";
import { getSession, subscribe } from "../../lib/auth/session";

export const useSession = () => useSyncExternalStore(subscribe, getSession);
