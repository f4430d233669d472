import { ApiError } from "@users/client";
import type { AvatarUploadGrant } from "@users/client";

/**
 * POSTs the signed form straight to storage with XMLHttpRequest, the one browser API that reports
 * upload progress. The file goes last: storage reads the policy fields before it.
 */
export function postToStorage(upload: AvatarUploadGrant["upload"], file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<void> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append("file", file, file.name);

  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method, upload.url);
    xhr.upload.addEventListener("progress", (event) => event.lengthComputable && onProgress(event.loaded / event.total));
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      reject(storageError(xhr));
    });
    xhr.addEventListener("error", () => reject(new TypeError("The upload could not reach storage")));
    xhr.addEventListener("abort", () => reject(new DOMException("Upload cancelled", "AbortError")));
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

/** S3 answers in XML (`<Error><Code>…<Message>…<RequestId>…`): shown like any API problem. */
function storageError(xhr: XMLHttpRequest): ApiError {
  const xml = new DOMParser().parseFromString(xhr.responseText, "application/xml");
  const text = (tag: string) => xml.getElementsByTagName(tag)[0]?.textContent ?? "";
  return new ApiError(xhr.status, {
    type: "about:blank",
    title: text("Code") || xhr.statusText || "Upload refused",
    status: xhr.status,
    detail: text("Message") || xhr.responseText.slice(0, 300),
    requestId: text("RequestId") || xhr.getResponseHeader("x-amz-request-id") || "",
  });
}
