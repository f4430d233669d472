import { useRef } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { User } from "@users/client";
import { ErrorNotice } from "../../components/ErrorNotice";
import { api, unwrap } from "../../lib/api";
import { navigate } from "../../lib/route";

/** Delete, after a modal confirmation (Escape or Cancel backs out; focus starts on Cancel). */
export function DeleteUser({ user }: { user: User }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => unwrap(api.users[":id"].$delete({ param: { id: user.id } })),
    onSuccess: async () => {
      dialog.current?.close();
      queryClient.removeQueries({ queryKey: ["users", "one", user.id] });
      await queryClient.invalidateQueries({ queryKey: ["users", "page"] });
      navigate({ screen: "list" });
    },
  });

  return (
    <>
      <button type="button" className="danger" onClick={() => dialog.current?.showModal()}>
        Delete
      </button>
      <dialog ref={dialog} aria-labelledby="delete-heading" aria-describedby="delete-text" onClose={() => remove.reset()}>
        <h3 id="delete-heading">Delete @{user.username}?</h3>
        <p id="delete-text">This removes {user.name}, their likes count and their avatar. It cannot be undone.</p>
        <ErrorNotice error={remove.error} title="Not deleted" />
        <div className="actions">
          <button type="button" autoFocus onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate()}>
            {remove.isPending ? "Deleting…" : "Delete user"}
          </button>
        </div>
      </dialog>
    </>
  );
}
