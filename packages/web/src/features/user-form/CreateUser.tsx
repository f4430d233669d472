import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CreateUserInput } from "@users/core/users/schema";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Field } from "../../components/Field";
import { api, unwrap } from "../../lib/api";
import { hrefFor, navigate } from "../../lib/route";
import { userQuery } from "../users/api";
import { fieldErrors, toInput } from "./validation";

const empty = { username: "", name: "", email: "", age: "" };

/** Create a user; each field is checked as it is left, by the same schema the API validates with. */
export default function CreateUser() {
  const queryClient = useQueryClient();
  const [values, setValues] = useState(empty);
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const errors = fieldErrors(CreateUserInput, toInput(values));
  const create = useMutation({
    mutationFn: (input: CreateUserInput) => unwrap(api.users.$post({ json: input })),
    onSuccess: async (user) => {
      queryClient.setQueryData(userQuery(user.id).queryKey, user);
      await queryClient.invalidateQueries({ queryKey: ["users", "page"] });
      navigate({ screen: "user", id: user.id });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched({ username: true, name: true, email: true, age: true });
    const parsed = CreateUserInput.safeParse(toInput(values));
    if (parsed.success) create.mutate(parsed.data);
    else (event.currentTarget as HTMLFormElement).querySelector<HTMLInputElement>("[aria-invalid=true]")?.focus();
  };
  const field = (name: keyof typeof empty) => ({
    name,
    value: values[name],
    error: touched[name] ? errors[name] : undefined,
    onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value })),
    onBlur: () => setTouched((t) => ({ ...t, [name]: true })),
  });

  return (
    <section aria-labelledby="create-heading">
      <p>
        <a href={hrefFor({ screen: "list" })}>← All users</a>
      </p>
      <h2 id="create-heading">New user</h2>
      <form className="card" onSubmit={submit} noValidate>
        <Field label="Username" hint="3–30 lowercase letters, digits or _; cannot be changed later" autoComplete="off" spellCheck={false} required {...field("username")} />
        <Field label="Name" autoComplete="name" required {...field("name")} />
        <Field label="Email" type="email" autoComplete="email" required {...field("email")} />
        <Field label="Age" type="number" inputMode="numeric" min={18} max={150} required {...field("age")} />
        <ErrorNotice error={create.error} title="Not created" />
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create user"}
          </button>
          <a className="button" href={hrefFor({ screen: "list" })}>
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}
