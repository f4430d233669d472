import { lazy, Suspense, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { ErrorNotice } from "../../components/ErrorNotice";
import { hrefFor } from "../../lib/route";
import { Thumbnails } from "../avatar/Thumbnails";
import { LikeButton } from "../likes/LikeButton";
import { DeleteUser } from "./DeleteUser";
import { userQuery } from "./api";

// The forms carry the API's zod schemas: loaded when a form is opened, not with the first page.
const EditUser = lazy(() => import("../user-form/EditUser"));
const AvatarUpload = lazy(() => import("../avatar/AvatarUpload"));

export default function UserDetail({ id }: { id: string }) {
  const user = useQuery(userQuery(id));
  const [editing, setEditing] = useState(false);

  return (
    <section aria-labelledby="user-heading">
      <p>
        <a href={hrefFor({ screen: "list" })}>← All users</a>
      </p>
      <ErrorNotice error={user.error} title="Could not load this user" />
      {user.isPending ? <p aria-live="polite">Loading…</p> : null}
      {user.data ? (
        <>
          <div className="section-head">
            <h2 id="user-heading">{user.data.name}</h2>
            <LikeButton user={user.data} />
          </div>
          <dl className="facts">
            <dt>Username</dt>
            <dd>@{user.data.username}</dd>
            <dt>Email</dt>
            <dd>{user.data.email}</dd>
            <dt>Age</dt>
            <dd>{user.data.age}</dd>
            <dt>Likes</dt>
            <dd data-testid="likes">{user.data.likes}</dd>
            <dt>Version</dt>
            <dd>{user.data.version}</dd>
            <dt>Updated</dt>
            <dd>
              <time dateTime={user.data.updatedAt}>{new Date(user.data.updatedAt).toLocaleString()}</time>
            </dd>
          </dl>
          <Suspense fallback={<p>Loading the form…</p>}>
            {editing ? (
              <EditUser user={user.data} onDone={() => setEditing(false)} />
            ) : (
              <div className="actions">
                <button type="button" onClick={() => setEditing(true)}>
                  Edit
                </button>
                <DeleteUser user={user.data} />
              </div>
            )}
            <section aria-labelledby="avatar-heading" className="card">
              <h3 id="avatar-heading">Avatar</h3>
              <Thumbnails user={user.data} />
              <AvatarUpload user={user.data} />
            </section>
          </Suspense>
        </>
      ) : null}
    </section>
  );
}
