import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ErrorNotice } from "../../components/ErrorNotice";
import { navigate } from "../../lib/route";
import { getUserByUsername, userQuery } from "./api";

/** Find a user by exact username and open it. */
export function UserLookup() {
  const queryClient = useQueryClient();
  const [username, setUsername] = useState("");
  const lookup = useMutation({
    mutationFn: getUserByUsername,
    onSuccess: (user) => {
      queryClient.setQueryData(userQuery(user.id).queryKey, user);
      navigate({ screen: "user", id: user.id });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = username.trim().toLowerCase();
    if (name) lookup.mutate(name);
  };

  return (
    <form className="lookup" role="search" onSubmit={submit}>
      <label htmlFor="lookup-username">Find by username</label>
      <div className="inline">
        <input
          id="lookup-username"
          name="username"
          autoComplete="off"
          spellCheck={false}
          placeholder="e.g. ada_lovelace"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <button type="submit" disabled={lookup.isPending}>
          Find
        </button>
      </div>
      <ErrorNotice error={lookup.error} title={`Could not find “${lookup.variables ?? ""}”`} />
    </form>
  );
}
