import { useEffect, useId, useState } from "react";
import type { ChangeEvent, FormEvent } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { User } from "@users/client";
import { AvatarUploadRequest, AVATAR_CONTENT_TYPES, MAX_AVATAR_BYTES } from "@users/core/avatars/schema";
import { ErrorNotice } from "../../components/ErrorNotice";
import { api, unwrap } from "../../lib/api";
import { userQuery } from "../users/api";
import { postToStorage } from "./upload";

/** After storage has the file, the thumbnails take a moment: watch the user, often at first, then gently. */
const watchForMs = 120_000;
const pollEvery = (since: number) => (Date.now() - since < 10_000 ? 500 : 2_000);

type Phase = { name: "idle" } | { name: "uploading"; progress: number } | { name: "processing"; before: string | null; since: number } | { name: "done" } | { name: "slow" };

/**
 * Pick an image, checked against the API's own limits before anything is sent; upload it with
 * progress; then wait for the upload subscriber to set the new thumbnails.
 */
export default function AvatarUpload({ user }: { user: User }) {
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ name: "idle" });

  useQuery({ ...userQuery(user.id), refetchInterval: phase.name === "processing" ? pollEvery(phase.since) : false });
  const current = user.avatar?.updatedAt ?? null;
  useEffect(() => {
    if (phase.name !== "processing") return;
    if (current !== phase.before) return setPhase({ name: "done" });
    const timer = setTimeout(() => setPhase({ name: "slow" }), Math.max(0, phase.since + watchForMs - Date.now()));
    return () => clearTimeout(timer);
  }, [phase, current]);

  const upload = useMutation({
    mutationFn: async (chosen: File) => {
      const request = AvatarUploadRequest.parse({ contentType: chosen.type, contentLength: chosen.size });
      const grant = await unwrap(api.users[":id"].avatar.$post({ param: { id: user.id }, json: request }));
      setPhase({ name: "uploading", progress: 0 });
      await postToStorage(grant.upload, chosen, (progress) => setPhase({ name: "uploading", progress }));
    },
    onSuccess: () => setPhase({ name: "processing", before: current, since: Date.now() }),
    onError: () => setPhase({ name: "idle" }),
  });

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0] ?? null;
    upload.reset();
    setPhase({ name: "idle" });
    setFile(chosen);
    setProblem(chosen ? check(chosen) : null);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file && !problem) upload.mutate(file);
  };

  const busy = upload.isPending || phase.name === "processing";
  return (
    <form onSubmit={submit} className="upload" noValidate>
      <label htmlFor={inputId}>New avatar (JPEG, PNG or WebP, at most {MAX_AVATAR_BYTES / 1024 / 1024} MiB)</label>
      <input
        id={inputId}
        type="file"
        accept={AVATAR_CONTENT_TYPES.join(",")}
        onChange={choose}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${inputId}-error` : undefined}
      />
      {problem ? (
        <small id={`${inputId}-error`} className="field-error">
          {problem}
        </small>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={!file || !!problem || busy}>
          Upload
        </button>
        {phase.name === "uploading" ? (
          <>
            <label htmlFor={`${inputId}-progress`} className="visually-hidden">
              Upload progress
            </label>
            <progress id={`${inputId}-progress`} max={1} value={phase.progress} />
          </>
        ) : null}
      </div>
      <p role="status" className="muted">
        {phase.name === "uploading"
          ? `Uploading… ${Math.round(phase.progress * 100)}%`
          : phase.name === "processing"
            ? "Uploaded; making thumbnails…"
            : phase.name === "done"
              ? "Avatar updated."
              : phase.name === "slow"
                ? "Uploaded, but no thumbnails yet: the image may have been refused. Reload later."
                : ""}
      </p>
      <ErrorNotice error={upload.error} title="Not uploaded" />
    </form>
  );
}

/** The API's own schema says what it would refuse; say it here instead of after a round trip. */
function check(file: File): string | null {
  const result = AvatarUploadRequest.safeParse({ contentType: file.type, contentLength: file.size });
  if (result.success) return null;
  const issue = result.error.issues[0];
  if (issue?.path[0] === "contentType") return `${file.name} is ${file.type || "of an unknown type"}: choose a JPEG, PNG or WebP image.`;
  if (file.size === 0) return `${file.name} is empty.`;
  return `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MiB: ${issue?.message ?? "too large"}.`;
}
