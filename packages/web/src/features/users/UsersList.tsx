import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ErrorNotice } from "../../components/ErrorNotice";
import { hrefFor } from "../../lib/route";
import { usersPageQuery } from "./api";
import { UserLookup } from "./UserLookup";
import { Avatar } from "../avatar/Avatar";

/** Users newest first, a page at a time; the cursors of the pages seen so far allow going back. */
export function UsersList() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const page = useQuery({ ...usersPageQuery(cursor), placeholderData: keepPreviousData });
  const pageNumber = cursors.length;

  return (
    <section aria-labelledby="users-heading">
      <div className="section-head">
        <h2 id="users-heading">Users</h2>
        <a className="button primary" href={hrefFor({ screen: "new" })}>
          New user
        </a>
      </div>
      <UserLookup />
      <ErrorNotice error={page.error} title="Could not list users" />
      {page.isPending ? <p aria-live="polite">Loading users…</p> : null}
      {page.data ? (
        page.data.items.length === 0 && pageNumber === 1 ? (
          <p>No users yet. Create the first one.</p>
        ) : (
          <ul className="user-list" aria-label={`Users, page ${pageNumber}, newest first`} aria-busy={page.isFetching}>
            {page.data.items.map((user) => (
              <li key={user.id}>
                <a href={hrefFor({ screen: "user", id: user.id })} className="user-row">
                  <Avatar user={user} size={64} />
                  <span className="user-row-text">
                    <strong>{user.name}</strong>
                    <span className="muted">@{user.username}</span>
                  </span>
                  <span className="likes" aria-label={`${user.likes} likes`}>
                    ♥ {user.likes}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )
      ) : null}
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={pageNumber === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          ← Newer
        </button>
        <span aria-live="polite">Page {pageNumber}</span>
        <button
          type="button"
          disabled={!page.data?.nextCursor || page.isPlaceholderData}
          onClick={() => page.data?.nextCursor && setCursors((c) => [...c, page.data.nextCursor ?? undefined])}
        >
          Older →
        </button>
      </nav>
    </section>
  );
}
