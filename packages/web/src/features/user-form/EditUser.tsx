import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { isApiError } from "@users/client";
import type { User } from "@users/client";
import { PatchUserInput } from "@users/core/users/schema";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Field } from "../../components/Field";
import { api, unwrap } from "../../lib/api";
import { userQuery } from "../users/api";
import { Conflict } from "./Conflict";
import { editable, type Changes, type EditableField } from "./editable";
import { fieldErrors, toInput } from "./validation";

const valuesOf = (user: User) => ({ name: user.name, email: user.email, age: String(user.age) });

/**
 * Edit name, email and age. The PATCH carries `If-Match` with the version the form started from,
 * so a change made meanwhile by someone else is never overwritten silently: a 412 opens the
 * conflict view, which shows both sides and lets you re-apply yours or take theirs.
 */
export default function EditUser({ user, onDone }: { user: User; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [base, setBase] = useState(user);
  const [values, setValues] = useState(() => valuesOf(user));
  const [conflict, setConflict] = useState<{ latest: User; mine: Changes } | null>(null);

  const input = toInput(values);
  const changes: Changes = {};
  for (const key of editable) if (input[key] !== undefined && input[key] !== base[key]) Object.assign(changes, { [key]: input[key] });
  const errors = fieldErrors(PatchUserInput, { ...input, ...changes });

  const save = useMutation({
    mutationFn: ({ changes, version }: { changes: Changes; version: number }) =>
      unwrap(api.users[":id"].$patch({ param: { id: user.id }, header: { "if-match": `"${version}"` }, json: changes })),
    onSuccess: async (saved) => {
      queryClient.setQueryData(userQuery(saved.id).queryKey, saved);
      await queryClient.invalidateQueries({ queryKey: ["users", "page"] });
      onDone();
    },
    onError: async (error, { changes }) => {
      if (!isApiError(error, 412)) return;
      const latest = await queryClient.fetchQuery({ ...userQuery(user.id), staleTime: 0 });
      setConflict({ latest, mine: changes });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (Object.keys(errors).length > 0) return;
    save.mutate({ changes, version: base.version });
  };
  const field = (name: EditableField) => ({
    name,
    value: values[name],
    error: errors[name],
    onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value })),
  });

  if (conflict) {
    return (
      <Conflict
        base={base}
        latest={conflict.latest}
        mine={conflict.mine}
        saving={save.isPending}
        error={save.error && !isApiError(save.error, 412) ? save.error : null}
        onReapply={() => {
          setBase(conflict.latest);
          setConflict(null);
          save.mutate({ changes: conflict.mine, version: conflict.latest.version });
        }}
        onDiscard={() => {
          setBase(conflict.latest);
          setValues(valuesOf(conflict.latest));
          setConflict(null);
          save.reset();
        }}
      />
    );
  }

  const nothingChanged = Object.keys(changes).length === 0;
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="edit-heading">
      <h3 id="edit-heading">Edit (version {base.version})</h3>
      <Field label="Name" autoComplete="name" {...field("name")} />
      <Field label="Email" type="email" autoComplete="email" {...field("email")} />
      <Field label="Age" type="number" inputMode="numeric" min={18} max={150} {...field("age")} />
      <ErrorNotice error={save.error && !isApiError(save.error, 412) ? save.error : null} title="Not saved" />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending || nothingChanged || Object.keys(errors).length > 0}>
          {save.isPending ? "Saving…" : "Save changes"}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
