import { createHash } from "node:crypto";

/**
 * The reference page's only style and script, inlined so the page is one request and needs no
 * network at all. The Content-Security-Policy allows exactly these two by hash, nothing else.
 */

export const style = `
:root { color-scheme: light dark; --fg: #1d232a; --muted: #5b6672; --bg: #fff; --panel: #f5f7f9; --line: #dde3e9; --accent: #2458d3;
  --get: #1f7a4d; --post: #2458d3; --patch: #9a5b00; --put: #9a5b00; --delete: #b3261e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ed; --muted: #9aa6b2; --bg: #14181c; --panel: #1c2227; --line: #2f3840; --accent: #7aa2ff;
  --get: #5ccf95; --post: #7aa2ff; --patch: #f0b050; --put: #f0b050; --delete: #ff8a80; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
code, pre, .path { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.92em; }
a { color: var(--accent); }
.layout { display: grid; grid-template-columns: 17rem 1fr; min-height: 100vh; }
nav { position: sticky; top: 0; height: 100vh; overflow: auto; padding: 1.2rem 1rem; border-right: 1px solid var(--line); background: var(--panel); }
nav h2 { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 1.2rem 0 0.4rem; }
nav ul { list-style: none; margin: 0; padding: 0; }
nav li a { display: flex; align-items: flex-start; gap: 0.5rem; padding: 0.15rem 0; text-decoration: none; color: var(--fg); font-size: 0.88rem; }
nav li a:hover .path { text-decoration: underline; }
main { padding: 1.5rem 2.5rem 4rem; max-width: 64rem; }
h1 { margin: 0 0 0.3rem; }
.intro p { margin: 0.3rem 0; }
section.tag > h2 { margin-top: 2.5rem; border-bottom: 1px solid var(--line); padding-bottom: 0.3rem; }
article.operation { border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.2rem; margin: 1.2rem 0; }
article.operation h3 { display: flex; flex-wrap: wrap; align-items: center; gap: 0.6rem; margin: 0 0 0.4rem; font-size: 1.05rem; }
.method { display: inline-block; min-width: 4.2em; text-align: center; font: 700 0.75rem/1.7 ui-monospace, monospace; border-radius: 4px; color: #fff; padding: 0 0.4em; }
nav .method { min-width: 3.8em; font-size: 0.68rem; }
.method.get { background: var(--get); } .method.post { background: var(--post); } .method.patch, .method.put { background: var(--patch); } .method.delete { background: var(--delete); }
.scope { font-size: 0.78rem; border: 1px solid var(--line); border-radius: 999px; padding: 0 0.6em; color: var(--muted); }
.scope.public { border-style: dashed; }
h4 { margin: 1rem 0 0.3rem; font-size: 0.85rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
h4 a, h4 code { text-transform: none; letter-spacing: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; vertical-align: top; padding: 0.3rem 0.6rem 0.3rem 0; border-bottom: 1px solid var(--line); }
th { font-weight: 600; color: var(--muted); font-size: 0.8rem; }
td.name { white-space: nowrap; }
.required { color: var(--delete); font-size: 0.78rem; }
.notes { color: var(--muted); }
.example { position: relative; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 0.8rem 1rem; overflow: auto; margin: 0; }
button.copy { position: absolute; top: 0.4rem; right: 0.4rem; font: inherit; font-size: 0.78rem; padding: 0.15rem 0.6rem; border-radius: 4px;
  border: 1px solid var(--line); background: var(--bg); color: var(--fg); cursor: pointer; }
@media (max-width: 50rem) { .layout { display: block; } nav { position: static; height: auto; } main { padding: 1rem; } }
`;

/** Copy buttons: the clipboard where allowed, else select the text so Ctrl+C works. */
export const script = `
document.addEventListener("click", async (event) => {
  const button = event.target instanceof Element ? event.target.closest("button[data-copy]") : null;
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  try {
    await navigator.clipboard.writeText(source.textContent);
    button.textContent = "Copied";
  } catch {
    const range = document.createRange();
    range.selectNodeContents(source);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    button.textContent = "Press Ctrl+C";
  }
  setTimeout(() => { button.textContent = "Copy"; }, 1500);
});
`;

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

export const contentSecurityPolicy = [
  "default-src 'none'",
  `style-src ${sha256(style)}`,
  `script-src ${sha256(script)}`,
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");
