/** Names offered with one click; any other name can be typed. */
export const suggestedUsernames = ["alice", "bob", "carol"] as const;

export interface SignInPageOptions {
  requestId: string;
  clientId: string;
  scopes: readonly string[];
  /** The typed name to show again, with why it was refused. */
  username?: string;
  error?: string;
}

/**
 * The local issuer's sign-in page: no passwords (everything is offline and on loopback), just who
 * to be. Plain HTML that works without JavaScript, labelled, keyboard-first, readable on a phone.
 */
export function signInPage(options: SignInPageOptions): string {
  const error = options.error === undefined ? "" : `<p id="username-error" class="error" role="alert">${escape(options.error)}</p>`;
  const invalid = options.error === undefined ? "" : ' aria-invalid="true" aria-describedby="username-hint username-error"';
  const picks = suggestedUsernames
    .map((name) => `<li><button type="submit" name="pick" value="${name}" formnovalidate>Sign in as ${name}</button></li>`)
    .join("");
  return page(
    "Sign in — local issuer",
    `<main>
<h1>Sign in</h1>
<p><strong>${escape(options.clientId)}</strong> asks to act for you with: ${options.scopes.map((s) => `<code>${escape(s)}</code>`).join(", ")}.</p>
<form method="post" action="/oauth2/authorize">
<input type="hidden" name="request" value="${escape(options.requestId)}">
<label for="username">Username</label>
<p id="username-hint" class="hint">3–30 characters: lowercase letters, digits, underscores. It becomes the token's <code>sub</code>.</p>
${error}
<input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required
  pattern="[a-z0-9_]{3,30}" value="${escape(options.username ?? "")}" aria-describedby="username-hint"${invalid} autofocus>
<button type="submit">Sign in</button>
<h2 id="picks">Or pick one</h2>
<ul aria-labelledby="picks">${picks}</ul>
<button type="submit" name="cancel" value="1" formnovalidate class="secondary">Cancel</button>
</form>
<p class="hint">Offline issuer: no password is asked. Deployed, this is Cognito's sign-in page.</p>
</main>`,
  );
}

/** For requests that cannot be sent back to the client (unknown client or redirect URI). */
export function errorPage(title: string, detail: string): string {
  return page(title, `<main><h1>${escape(title)}</h1><p role="alert">${escape(detail)}</p></main>`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #f6f6f4; }
main { max-width: 26rem; margin: 2rem auto; padding: 1.5rem; background: #fff; border-radius: 8px; }
label { display: block; font-weight: 600; }
input { box-sizing: border-box; width: 100%; font: inherit; padding: .5rem; margin: .25rem 0 .75rem; border: 1px solid #555; border-radius: 4px; }
button { font: inherit; padding: .5rem 1rem; border: 0; border-radius: 4px; background: #1d4ed8; color: #fff; cursor: pointer; }
button.secondary { background: #e5e5e5; color: #1a1a1a; }
button:focus-visible, input:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem; }
h2 { font-size: 1rem; margin-top: 1.5rem; }
.hint { color: #444; font-size: .875rem; margin: 0 0 .25rem; }
.error { color: #b91c1c; font-weight: 600; margin: 0; }
code { background: #f0f0f0; padding: 0 .2rem; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
