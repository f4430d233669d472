import { useEffect, useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { User } from "@users/client";
import { ErrorNotice } from "../../components/ErrorNotice";
import { api, unwrap } from "../../lib/api";
import { userQuery } from "../users/api";

/** How long to watch for the count to move after a 202: often at first, then gently. */
const watchForMs = 60_000;
const pollEvery = (since: number) => (Date.now() - since < 10_000 ? 500 : 2_000);

type State = { phase: "idle" } | { phase: "pending"; before: number; since: number } | { phase: "counted" } | { phase: "unchanged" };

/**
 * A like is accepted (202) before it is counted: the button says so, then polls the user briefly
 * until the count moves. A like counts once per person, so a repeat leaves the count as it was.
 */
export function LikeButton({ user }: { user: User }) {
  const [state, setState] = useState<State>({ phase: "idle" });
  const like = useMutation({
    mutationFn: () => unwrap(api.users[":id"].likes.$post({ param: { id: user.id } })),
    onSuccess: () => setState({ phase: "pending", before: user.likes, since: Date.now() }),
  });
  // While pending, the user query refetches on an interval; the detail view shows the new count.
  useQuery({ ...userQuery(user.id), refetchInterval: state.phase === "pending" ? pollEvery(state.since) : false });

  useEffect(() => {
    if (state.phase !== "pending") return;
    if (user.likes !== state.before) return setState({ phase: "counted" });
    const timer = setTimeout(() => setState({ phase: "unchanged" }), Math.max(0, state.since + watchForMs - Date.now()));
    return () => clearTimeout(timer);
  }, [state, user.likes]);

  const status =
    state.phase === "pending"
      ? "Like accepted, counting…"
      : state.phase === "counted"
        ? "Like counted."
        : state.phase === "unchanged"
          ? "Accepted; the count did not change (a person's like counts once)."
          : "";

  return (
    <div className="like">
      <button type="button" onClick={() => like.mutate()} disabled={like.isPending || state.phase === "pending"} aria-describedby="like-status">
        ♥ Like <span className="muted">({user.likes})</span>
      </button>
      <span id="like-status" role="status" className="muted">
        {status}
      </span>
      <ErrorNotice error={like.error} title="Not liked" />
    </div>
  );
}
